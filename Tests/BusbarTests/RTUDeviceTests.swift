import Foundation
import SiteConfig
import TestSupport
import Testing

/// An RTU battery behind `busbar run`: the site file's serial device is one end of a socat
/// pseudo-terminal pair, a pymodbus serial server laid out from the SMA map the other.
@Suite(.serialized)
struct RTUDeviceTests {
    static let file = "sma-sunny-boy-storage.yaml"

    /// A pseudo-terminal pair whose ends are the links `gateway` and `device`.
    func serialLine(gateway: String, device: String) throws -> Peer {
        let socat = try Peer(
            "/usr/bin/socat", ["-d", "-d", "pty,raw,echo=0,link=\(gateway)", "pty,raw,echo=0,link=\(device)"])
        guard socat.waitForOutput("starting data transfer loop") else {
            throw FixtureFailure("socat: \(socat.errorOutput)")
        }
        return socat
    }

    /// An SMA battery discharging 1200 W at `soc` %.
    func battery(_ map: DeviceMap, soc: Int, on device: String) throws -> PymodbusMapDevice {
        try PymodbusMapDevice(
            .init(
                map: map,
                values: ["active_power": 1200, "soc": .number(Double(soc)), "charge_power": 0, "discharge_power": 1200]),
            on: .rtu(device: device))
    }

    @Test func anRTUBatteryIsPolledTakesSetPowerAndIsPolledAgainWhenItsLineReturns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-rtu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gatewaySide = folder.appendingPathComponent("ttyGW").path
        let deviceSide = folder.appendingPathComponent("ttyDev").path
        let map = try loadShippedMap(Self.file)
        var line = try serialLine(gateway: gatewaySide, device: deviceSide)
        defer { line.stop() }
        var device = try battery(map, soc: 63, on: deviceSide)
        let site = try RunningSite(devices: [
            "{id: ess1, map: \(shippedMap(Self.file)), device: \(gatewaySide), baudrate: 19200, comset: 8N1, unit: 3, capacity: 9.8 kWh, max_power: 6 kW}"
        ])
        #expect(eventually { site.master.value("ess1.soc") == 63 })
        #expect(site.master.value("ess1.activePower") == 1200)

        try #require(site.master.setMode("ess1", "SET_POWER", parameter: -2500) == nil)
        #expect(try eventually { try device.words("power_setpoint") == ModbusWords.int32(-2500) })
        #expect(try device.words("power_control") == ModbusWords.uint32(802))

        // The line goes away (socat ends, and the device's end with it): the battery goes offline.
        line.stop()
        device.stop()
        #expect(eventually(timeout: .seconds(30)) { !site.isOnline("ess1") })

        // A new pair at the same links and a device now at 71 %: the gateway opens the line
        // again, polls it, and writes the order in force into the fresh registers.
        line = try serialLine(gateway: gatewaySide, device: deviceSide)
        device = try battery(map, soc: 71, on: deviceSide)
        #expect(eventually(timeout: .seconds(40)) { site.master.value("ess1.soc") == 71 })
        #expect(site.isOnline("ess1"))
        #expect(try eventually { try device.words("power_setpoint") == ModbusWords.int32(-2500) })
        #expect(try device.words("power_control") == ModbusWords.uint32(802))
    }
}
