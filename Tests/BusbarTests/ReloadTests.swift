import Foundation
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing

/// `busbar run` answers for its devices: SIGHUP applies a new site file in place (the commands
/// in force stay, and a reload that cannot be applied leaves the running configuration serving),
/// and a command that ends or a SIGTERM hands every device back.
@Suite(.serialized)
struct ReloadTests {
    /// A site of a simulated Alfen and a simulated Phoenix Contact charger behind `busbar run`,
    /// whose native masters' commands end after a 2 s watchdog.
    struct Running {
        let folder: URL
        let path: String
        let simulation: SiteSimulation
        let devicePorts: (Int, Int)
        let gateway: Peer

        init(port: Int) throws {
            folder = try temporaryFolder("reload")
            path = folder.appendingPathComponent("site.yaml").path
            let probe = try Self.text(port: port, devicePorts: (1, 2), poll: "250 ms")
            try probe.write(toFile: path, atomically: true, encoding: .utf8)
            simulation = try SiteSimulation(site: SiteLoader.load(path: path).get(), options: .init(ports: .ephemeral))
            try simulation.start()
            simulation.startClock(tick: .milliseconds(50))
            guard case .tcp(_, let alfen)? = simulation.endpoint(of: "evse1"),
                case .tcp(_, let phoenix)? = simulation.endpoint(of: "evse2")
            else { throw FixtureFailure("no device port") }
            devicePorts = (alfen, phoenix)
            try Self.text(port: port, devicePorts: devicePorts, poll: "250 ms").write(
                toFile: path, atomically: true, encoding: .utf8)
            gateway = try Peer(Paths.busbar, ["run", path, "--log-level", "info"])
        }

        static func text(port: Int, devicePorts: (Int, Int), poll: String) throws -> String {
            """
            site: Reload
            poll_interval: \(poll)
            upstream:
              - {profile: native, listen: "127.0.0.1:\(port)", unit: 1}
            devices:
              - {id: evse1, map: \(shippedMap("alfen-ng9xx.yaml")), uri: "127.0.0.1:\(devicePorts.0)", unit: 1, max_current: 16 A, phases: 3, simulate: true}
              - {id: evse2, map: \(shippedMap("phoenix-ev-charge-control.yaml")), uri: "127.0.0.1:\(devicePorts.1)", unit: 1, max_current: 32 A, phases: 3, simulate: true}
            sources:
              - {id: modbus, priority: 10, watchdog: 2 s}
            """
        }

        func write(port: Int, poll: String) throws {
            try Self.text(port: port, devicePorts: devicePorts, poll: poll).write(
                toFile: path, atomically: true, encoding: .utf8)
        }

        /// Both chargers hold what busbar hands back: the Alfen its safe current, the Phoenix
        /// its enable coil off.
        var handedBack: Bool {
            simulation.value(of: "current_limit", in: "evse1") == simulation.value(of: "safe_current", in: "evse1")
                && simulation.value(of: "charging_enabled", in: "evse2") == 0
        }

        var forced: Bool {
            simulation.value(of: "current_limit", in: "evse1") == 16
                && simulation.value(of: "charging_enabled", in: "evse2") == 1
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

    @Test func aCommandEndedByTheWatchdogThenASIGTERMLeaveEveryChargerHandedBack() throws {
        let port = freePort()
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse2.online")) == 1 })
        let master = try NativeMaster(site: loaded, port: port)
        #expect(try master.setMode("site.evcs", "FORCE") == nil)
        #expect(eventually { site.forced })
        // The master falls silent: its 2 s watchdog ends FORCE and both chargers are handed back.
        #expect(eventually { site.handedBack })
        // Again, and this time the gateway is stopped while FORCE is in force.
        #expect(try master.setMode("site.evcs", "FORCE") == nil)
        #expect(eventually { site.forced })
        site.gateway.signal(SIGTERM)
        #expect(site.gateway.waitForExit() == 0)
        #expect(site.handedBack)
    }

    @Test func aReloadThatCannotListenIsRejectedAndTheRunningSiteServesOn() throws {
        let port = freePort()
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse1.online")) == 1 })
        #expect(
            try NativeMaster(site: loaded, port: port).setMode("evse1", "LIMIT", parameter: 8, duration: 300) == nil)
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
