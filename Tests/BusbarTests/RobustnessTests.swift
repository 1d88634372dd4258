import Foundation
import Glibc
import Modbus
import SiteConfig
import TestSupport
import Testing

/// `busbar run` cannot be taken down from its local API or its site file: connections squatting
/// on the local API leave the masters and the devices served and the descriptors below
/// libmodbus's `FD_SETSIZE`, and a SIGTERM during a reload stops the gateway.
@Suite(.serialized)
struct RobustnessTests {
    /// The descriptors a process has open.
    static func openDescriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    static let file = "sma-sunny-boy-storage.yaml"

    static func battery(soc: Int, port: Int) throws -> PymodbusMapDevice {
        try PymodbusMapDevice(
            .init(
                map: loadShippedMap(file),
                values: ["active_power": 0, "soc": .number(Double(soc)), "charge_power": 0, "discharge_power": 0]),
            on: .tcp(port: port))
    }

    @Test func elevenHundredIdleHTTPConnectionsLeaveTheMastersAndTheDevicesServed() throws {
        // This process holds 1,100 connections too: its own master's socket must stay low.
        LowDescriptors.prepare(reserving: 4)
        let devicePort = freePort()
        var device = try Self.battery(soc: 63, port: devicePort)
        let site = try RunningSite(
            devices: [
                "{id: ess1, map: \(shippedMap(Self.file)), uri: \"127.0.0.1:\(devicePort)\", unit: 3, capacity: 9.8 kWh, max_power: 6 kW}"
            ], httpPort: freePort())
        #expect(eventually { site.master.value("ess1.soc") == 63 })
        let httpPort = try #require(site.httpPort)
        var held: HeldConnections? = try HeldConnections(count: 1100, port: httpPort)

        // Every read of the master is answered while the connections are held.
        let answered = (0..<20).filter { _ in site.master.value("ess1.soc") == 63 }.count
        #expect(answered == 20)
        // The device restarts: busbar connects to it anew while the API's connections are held.
        device.stop()
        device = try Self.battery(soc: 71, port: devicePort)
        #expect(eventually(timeout: .seconds(20)) { site.master.value("ess1.soc") == 71 })
        #expect(site.gateway.isRunning)
        // The local API stops accepting at its limit: busbar's descriptors stay below 1024.
        let descriptors = Self.openDescriptors(of: site.gateway.processIdentifier)
        #expect(descriptors > 0 && descriptors < 1024, "busbar has \(descriptors) descriptors open")

        // Once the squatters leave, the local API answers again.
        #expect(held?.descriptors.count == 1100)
        held = nil
        #expect(try eventually { try site.status(of: "ess1") != nil })
        device.stop()
    }

    @Test func aSIGTERMDuringTheReloadOfABillionLaughsFileStopsTheGateway() throws {
        // A battery that is not there: the gateway runs and keeps trying it.
        let site = try RunningSite(devices: [
            "{id: ess1, map: \(shippedMap(Self.file)), uri: \"127.0.0.1:\(freePort())\", unit: 3, capacity: 9.8 kWh, max_power: 6 kW}"
        ])
        var text = "site: Laughing site\nlol0: &lol0 [lol]\n"
        for level in 1...20 {
            text +=
                "lol\(level): &lol\(level) [" + Array(repeating: "*lol\(level - 1)", count: 9).joined(separator: ", ")
                + "]\n"
        }
        text += "devices: *lol20\n"
        try text.write(toFile: site.path, atomically: true, encoding: .utf8)
        site.gateway.signal(SIGHUP)
        site.gateway.signal(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while site.gateway.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!site.gateway.isRunning)
        #expect(site.gateway.waitForExit() == 0)
        #expect(site.gateway.errorOutput.contains("gateway stopped"), "\(site.gateway.errorOutput)")
    }
}
