import Foundation
import Modbus
import SiteConfig
import Simulation
import TestSupport
import Testing

/// SIGHUP applies a new site file in place: the commands in force stay, and a reload that cannot
/// be applied leaves the running configuration serving.
@Suite(.serialized)
struct ReloadTests {
    /// A site of one simulated Alfen charger behind `busbar run`.
    struct Running {
        let folder: URL
        let path: String
        let simulation: SiteSimulation
        let devicePort: Int
        let gateway: Peer

        init(port: Int) throws {
            folder = try temporaryFolder("reload")
            path = folder.appendingPathComponent("site.yaml").path
            let probe = try Self.text(port: port, devicePort: 1, poll: "250 ms")
            try probe.write(toFile: path, atomically: true, encoding: .utf8)
            simulation = try SiteSimulation(site: SiteLoader.load(path: path).get(), options: .init(ports: .ephemeral))
            try simulation.start()
            simulation.startClock(tick: .milliseconds(50))
            guard case .tcp(_, let served)? = simulation.endpoint(of: "evse1") else { throw FixtureFailure("no device port") }
            devicePort = served
            try Self.text(port: port, devicePort: served, poll: "250 ms").write(toFile: path, atomically: true, encoding: .utf8)
            gateway = try Peer(Paths.busbar, ["run", path, "--log-level", "info"])
        }

        static func text(port: Int, devicePort: Int, poll: String) throws -> String {
            """
            site: Reload
            poll_interval: \(poll)
            upstream:
              - {profile: native, listen: "127.0.0.1:\(port)", unit: 1}
            devices:
              - {id: evse1, map: \(shippedMap("alfen-ng9xx.yaml")), uri: "127.0.0.1:\(devicePort)", unit: 1, max_current: 16 A, phases: 3, simulate: true}
            """
        }

        func write(port: Int, poll: String) throws {
            try Self.text(port: port, devicePort: devicePort, poll: poll).write(toFile: path, atomically: true, encoding: .utf8)
        }

        func stop() {
            gateway.stop()
            simulation.stop()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func aReloadWithANewPollIntervalKeepsALimitInForce() throws {
        let port = freePort()
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse1.online")) == 1 })
        let master = try NativeMaster(site: loaded, port: port)
        #expect(try master.setMode("evse1", "LIMIT", parameter: 10, duration: 300) == nil)
        #expect(eventually { site.simulation.value(of: "current_limit", in: "evse1") == 10 })

        try site.write(port: port, poll: "500 ms")
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("site reloaded"))
        let after = try NativeMaster(site: loaded, port: port)
        #expect(eventually { after.value("evse1.online") == 1 })
        // Still LIMIT 10 A, with most of its 300 s left, and the charger still at 10 A.
        #expect(after.value("evse1.activeMode") == 4)
        #expect((after.value("evse1.remaining") ?? 0) > 250)
        #expect(site.simulation.value(of: "current_limit", in: "evse1") == 10)
        #expect(!site.gateway.errorOutput.contains("command dropped"))
    }

    @Test func aReloadThatCannotListenIsRejectedAndTheRunningSiteServesOn() throws {
        let port = freePort()
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse1.online")) == 1 })
        #expect(try NativeMaster(site: loaded, port: port).setMode("evse1", "LIMIT", parameter: 8, duration: 300) == nil)
        #expect(eventually { site.simulation.value(of: "current_limit", in: "evse1") == 8 })

        // The new listen address is taken by another program.
        let busy = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: RegisterBank(ranges: [.holding: [0..<10]]))
        try busy.start()
        defer { busy.stop() }
        try site.write(port: busy.port, poll: "250 ms")
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("reload rejected"))
        #expect(site.gateway.errorOutput.contains("cannot listen"))
        let master = try NativeMaster(site: loaded, port: port)
        #expect(eventually { master.value("evse1.online") == 1 })
        #expect(master.value("evse1.activeMode") == 4)
        #expect(site.simulation.value(of: "current_limit", in: "evse1") == 8)
        #expect(site.gateway.isRunning)
    }
}
