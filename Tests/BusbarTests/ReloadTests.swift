import Foundation
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// `busbar run` answers for its devices: SIGHUP applies a new site file in place (the commands
/// in force stay, and a reload that cannot be applied leaves the running configuration serving),
/// and a command that ends or a SIGTERM hands every device back.
@Suite(.serialized)
struct ReloadTests {
    /// A site of a simulated Alfen and a simulated Phoenix Contact charger behind `busbar run`,
    /// whose native masters' commands end after a 2 s watchdog, and a simulated SMA battery.
    struct Running {
        let folder: URL
        let path: String
        let simulation: SiteSimulation
        let devicePorts: (Int, Int)
        let batteryPort: Int
        let gateway: Peer
        let httpPort: Int?

        /// - Parameter httpPort: where the local JSON API listens; none when nil.
        init(port: Int, httpPort: Int? = nil) throws {
            self.httpPort = httpPort
            folder = try temporaryFolder("reload")
            path = folder.appendingPathComponent("site.yaml").path
            let probe = try Self.text(port: port, devicePorts: (1, 2), batteryPort: 3, poll: "250 ms")
            try probe.write(toFile: path, atomically: true, encoding: .utf8)
            simulation = try SiteSimulation(site: SiteLoader.load(path: path).get(), options: .init(ports: .ephemeral))
            try simulation.start()
            simulation.startClock(tick: .milliseconds(50))
            guard case .tcp(_, let alfen)? = simulation.endpoint(of: "evse1"),
                case .tcp(_, let phoenix)? = simulation.endpoint(of: "evse2"),
                case .tcp(_, let sma)? = simulation.endpoint(of: "ess1")
            else { throw FixtureFailure("no device port") }
            devicePorts = (alfen, phoenix)
            batteryPort = sma
            try Self.text(
                port: port, devicePorts: devicePorts, batteryPort: batteryPort, poll: "250 ms", httpPort: httpPort
            ).write(
                toFile: path, atomically: true, encoding: .utf8)
            gateway = try Peer(Paths.busbar, ["run", path, "--log-level", "info"])
        }

        static func text(
            port: Int, devicePorts: (Int, Int), batteryPort: Int, poll: String, httpPort: Int? = nil
        ) throws -> String {
            (httpPort.map { "http: {listen: \"127.0.0.1:\($0)\"}\n" } ?? "")
                + """
                site: Reload
                poll_interval: \(poll)
                upstream:
                  - {profile: native, listen: "127.0.0.1:\(port)", unit: 1}
                devices:
                  - {id: evse1, map: \(shippedMap("alfen-ng9xx.yaml")), uri: "127.0.0.1:\(devicePorts.0)", unit: 1, max_current: 16 A, phases: 3, simulate: true}
                  - {id: evse2, map: \(shippedMap("phoenix-ev-charge-control.yaml")), uri: "127.0.0.1:\(devicePorts.1)", unit: 1, max_current: 32 A, phases: 3, simulate: true}
                  - {id: ess1, map: \(shippedMap("sma-sunny-boy-storage.yaml")), uri: "127.0.0.1:\(batteryPort)", unit: 3, capacity: 9.8 kWh, max_power: 6 kW, simulate: true}
                sources:
                  - {id: modbus, priority: 10, watchdog: 2 s}
                """
        }

        func write(port: Int, poll: String, httpPort: Int? = nil) throws {
            try Self.text(
                port: port, devicePorts: devicePorts, batteryPort: batteryPort, poll: poll,
                httpPort: httpPort ?? self.httpPort
            ).write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// The client ports of busbar's connections to the two simulated chargers.
        var deviceConnections: Set<Int> {
            TCPConnections.clientPorts(toPort: devicePorts.0).union(TCPConnections.clientPorts(toPort: devicePorts.1))
                .union(TCPConnections.clientPorts(toPort: batteryPort))
        }

        /// Whether the local JSON API answers `GET /api/status` on `port`.
        func apiAnswers(on port: Int) -> Bool {
            let answer = try? runCommand(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3",
                    "http://127.0.0.1:\(port)/api/status",
                ])
            return answer?.output == "200"
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
        #expect(try master.setMode("ess1", "LIMIT_CHARGE", parameter: 1500, duration: 300) == nil)
        #expect(eventually { site.simulation.value(of: "current_limit", in: "evse1") == 10 })
        #expect(eventually { site.simulation.value(of: "max_charge_power", in: "ess1") == 1500 })

        try site.write(port: port, poll: "500 ms")
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("site reloaded"))
        let after = try NativeMaster(site: loaded, port: port)
        #expect(eventually { after.value("evse1.online") == 1 })
        // Still LIMIT 10 A, with most of its 300 s left, and the charger still at 10 A.
        #expect(after.value("evse1.activeMode") == 4)
        #expect((after.value("evse1.remaining") ?? 0) > 250)
        #expect(site.simulation.value(of: "current_limit", in: "evse1") == 10)
        // And LIMIT_CHARGE 1.5 kW on the battery, with its SMA still capped at 1.5 kW.
        #expect(after.value("ess1.activeMode") == Double(EssModeKind.limitCharge.code))
        #expect((after.value("ess1.remaining") ?? 0) > 250)
        #expect(site.simulation.value(of: "max_charge_power", in: "ess1") == 1500)
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

    @Test func aReloadKeepsTheMastersAndTheDevicesConnectionsOpen() throws {
        let port = freePort()
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        let master = try NativeMaster(site: loaded, port: port)
        #expect(eventually { master.value("evse1.online") == 1 && master.value("evse2.online") == 1 })
        #expect(try master.setMode("evse1", "LIMIT", parameter: 9, duration: 300) == nil)
        #expect(eventually { site.simulation.value(of: "current_limit", in: "evse1") == 9 })
        let masterConnections = TCPConnections.clientPorts(toPort: port)
        let deviceConnections = site.deviceConnections
        #expect(masterConnections.count == 1)
        #expect(deviceConnections.count == 3)

        try site.write(port: port, poll: "500 ms")
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("site reloaded"))
        #expect(site.gateway.errorOutput.contains("endpoints.kept=3"))
        // The master's connection was never closed: its first read after the reload answers on
        // it, and so do the devices' (busbar's client ports are the same).
        #expect(master.value("evse1.online") == 1)
        #expect(master.value("evse1.activeMode") == 4)
        #expect(TCPConnections.clientPorts(toPort: port) == masterConnections)
        #expect(site.deviceConnections == deviceConnections)
        #expect(site.simulation.value(of: "current_limit", in: "evse1") == 9)
    }

    @Test func aSecondGatewayWhoseLocalAPICannotListenTouchesNoDevice() throws {
        let port = freePort()
        let busy = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: RegisterBank(ranges: [.holding: [0..<10]]))
        try busy.start()
        defer { busy.stop() }
        let site = try Running(port: port)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse2.online")) == 1 })
        #expect(try NativeMaster(site: loaded, port: port).setMode("site.evcs", "FORCE", duration: 300) == nil)
        #expect(eventually { site.forced })
        let connections = site.deviceConnections

        // A second instance of the site on another Modbus port, whose local API address is taken.
        let second = site.folder.appendingPathComponent("second.yaml").path
        try Running.text(
            port: freePort(), devicePorts: site.devicePorts, batteryPort: site.batteryPort, poll: "250 ms",
            httpPort: busy.port
        )
        .write(toFile: second, atomically: true, encoding: .utf8)
        let run = try runCommand(Paths.busbar, ["run", second])
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("cannot serve the local API on 127.0.0.1:\(busy.port)"))
        // It never connected to a charger, so the first gateway's FORCE stands.
        #expect(site.deviceConnections == connections)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(site.forced)
    }

    @Test func aReloadWhoseLocalAPICannotListenIsRejectedAndTheRunningAPIServesOn() throws {
        let port = freePort()
        let http = freePort()
        let site = try Running(port: port, httpPort: http)
        defer { site.stop() }
        let loaded = try SiteLoader.load(path: site.path).get()
        #expect(eventually { site.apiAnswers(on: http) })
        #expect(eventually { (try? NativeMaster(site: loaded, port: port).value("evse1.online")) == 1 })
        #expect(
            try NativeMaster(site: loaded, port: port).setMode("evse1", "LIMIT", parameter: 7, duration: 300) == nil)
        #expect(eventually { site.simulation.value(of: "current_limit", in: "evse1") == 7 })

        let busy = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: RegisterBank(ranges: [.holding: [0..<10]]))
        try busy.start()
        defer { busy.stop() }
        try site.write(port: port, poll: "250 ms", httpPort: busy.port)
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("reload rejected"))
        #expect(site.gateway.errorOutput.contains("cannot serve the local API on 127.0.0.1:\(busy.port)"))
        #expect(site.apiAnswers(on: http))
        #expect(try NativeMaster(site: loaded, port: port).value("evse1.activeMode") == 4)
        #expect(site.simulation.value(of: "current_limit", in: "evse1") == 7)

        // A reload to a free address moves the API there.
        let moved = freePort()
        try site.write(port: port, poll: "250 ms", httpPort: moved)
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("site reloaded"))
        #expect(eventually { site.apiAnswers(on: moved) })
        #expect(!site.apiAnswers(on: http))
    }

    @Test func aReloadThatReplacesTheLocalAPIKeepsItsSchedule() throws {
        let port = freePort()
        let http = freePort()
        let site = try Running(port: port, httpPort: http)
        defer { site.stop() }
        #expect(eventually { site.apiAnswers(on: http) })
        let start = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
        let body = """
            {"schedule": [{"start": "\(start)", "duration": 900, "activateControlModes": {"evse1": {"mode": "ZERO"}}}]}
            """
        let posted = try runCommand(
            "/usr/bin/curl",
            [
                "-s", "--max-time", "5", "-H", "Content-Type: application/json", "-d", body,
                "http://127.0.0.1:\(http)/api/control-modes",
            ])
        #expect(posted.output.contains("\"scheduledSlots\":1"))

        // Another API address: the API is made anew; the schedule is the control core's and stays.
        let moved = freePort()
        try site.write(port: port, poll: "250 ms", httpPort: moved)
        site.gateway.signal(SIGHUP)
        #expect(site.gateway.waitForOutput("site reloaded"))
        #expect(eventually { site.apiAnswers(on: moved) })
        let status = try runCommand(
            "/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(moved)/api/status"])
        #expect(status.output.contains("\"slotsLeft\":1"))
        #expect(status.output.contains("\"source\":\"local\""))
    }
}
