import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing
import Upstreams

/// The Home Assistant and evcc configurations `busbar map` generates, read and run as those
/// programs would (Tests/Interop/integration_peer.py: pymodbus with exactly the addresses,
/// types, scales and templates written in them) against the running demo, and compared with
/// what busbar's own native profile serves.
@Suite(.serialized)
struct IntegrationConfigTests {
    /// The demo with its native and OpenEMS profiles on free ports, once every device is online.
    final class Demo {
        let native = freePort()
        let openems = freePort()
        let folder: URL
        let peer: Peer
        let site: LoadedSite
        let master: NativeMaster

        init() throws {
            folder = try temporaryFolder("integrations")
            peer = try Peer(
                Paths.busbar,
                [
                    "demo", "--port", "\(native)", "--openems-port", "\(openems)", "--http-port", "0",
                    "--status-interval", "0",
                ])
            guard peer.waitForOutput("Try this") else {
                peer.stop()
                throw FixtureFailure("busbar demo did not start: \(peer.output)\(peer.errorOutput)")
            }
            site = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
            master = try NativeMaster(site: site, port: native)
            let total = Double(site.site.devices.count)
            for _ in 0..<100 where master.value("site.devices.online") != total || master.value("site.pv.energy") == nil
            {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }

        deinit {
            peer.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// `busbar map sites/demo.yaml ARGUMENTS`, written to a file of the folder.
        func generate(_ name: String, _ arguments: String...) throws -> String {
            let result = try busbar(["map", Paths.root.appendingPathComponent("sites/demo.yaml").path] + arguments)
            guard result.status == 0 else { throw FixtureFailure("busbar map failed: \(result.errorOutput)") }
            let path = folder.appendingPathComponent(name).path
            try result.output.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// integration_peer.py's JSON answer.
        func peer(_ arguments: String...) throws -> [String: Any] {
            let result = try runCommand(
                Paths.python, [Paths.root.appendingPathComponent("Tests/Interop/integration_peer.py").path] + arguments)
            guard result.status == 0 else { throw FixtureFailure("integration_peer.py failed: \(result.errorOutput)") }
            return try jsonObject(result.output)
        }
    }

    /// How far a value may move between two reads a second apart, by unit.
    static func tolerance(_ unit: String) -> Double {
        switch unit {
        case "W": 400
        case "Wh": 20
        case "%": 0.5
        case "ms": 5000
        case "s": 5
        case "A": 1
        default: 0
        }
    }

    /// Whether `value` lies within the two reads of busbar's own value around it, widened by the
    /// tolerance; an unknown value must be unknown in one of them.
    static func agrees(_ value: Any?, before: Double?, after: Double?, tolerance: Double) -> Bool {
        guard let number = value as? Double else { return before == nil || after == nil }
        let known = [before, after].compactMap { $0 }
        guard let low = known.min(), let high = known.max() else { return false }
        return (low - tolerance - 1e-9...high + tolerance + 1e-9).contains(number)
    }

    @Test func homeAssistantSensorsReadBusbarsOwnValuesAndItsScriptsSetModes() throws {
        let demo = try Demo()
        let config = try demo.generate(
            "ha.yaml", "--format", "homeassistant", "--host", "127.0.0.1", "--port", "\(demo.native)")
        let map = NativeRegisterMap(site: demo.site)
        let fields = map.registers.filter { field in
            guard field.access == .read || field.access == .readWrite else { return false }
            if case .header = field.point { return false }
            return true
        }
        let before = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, demo.master.value($0.name)) })
        let sensors = try demo.peer("homeassistant", config)
        let after = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, demo.master.value($0.name)) })

        #expect(sensors.count == fields.count)
        var compared = 0
        for field in fields {
            let id = "busbar_demo_site_" + field.name.lowercased().replacingOccurrences(of: ".", with: "_")
            guard let read = sensors[id] else {
                Issue.record("no sensor \(id) for \(field.name)")
                continue
            }
            if case .string(let count) = field.type, count > 0 {
                if field.name.hasSuffix(".id") { #expect(read as? String == String(field.name.dropLast(3))) }
                #expect(read is String, "\(field.name)")
                continue
            }
            let value: Any? = read is NSNull ? nil : read
            #expect(
                Self.agrees(
                    value, before: before[field.name] ?? nil, after: after[field.name] ?? nil,
                    tolerance: Self.tolerance(field.unit)),
                "\(field.name): Home Assistant read \(String(describing: value)), busbar served \(String(describing: before[field.name] ?? nil))…\(String(describing: after[field.name] ?? nil))"
            )
            compared += 1
        }
        #expect(compared >= 100)
        #expect((before["site.ess.soc"] ?? nil) != nil && (before["grid.activePower"] ?? nil) != nil)

        // The scripts, their templates rendered: a cluster mode, a chargepoint limit, and a
        // negative set-point on one battery (two's complement words from the template).
        _ = try demo.peer(
            "homeassistant-script", config, "busbar_demo_site_site_ess_mode", "mode=NO_DISCHARGE", "duration=600")
        #expect(demo.master.value("site.ess.activeMode") == 1)
        #expect(demo.master.value("site.ess.source") == 2)
        #expect((1...600).contains(demo.master.value("site.ess.remaining") ?? 0))
        _ = try demo.peer(
            "homeassistant-script", config, "busbar_demo_site_site_evcs_mode", "mode=LIMIT", "current=8", "duration=600"
        )
        #expect(demo.master.value("site.evcs.activeMode") == 4)
        #expect(demo.master.value("site.evcs.activeModeCurrent") == 8)
        _ = try demo.peer(
            "homeassistant-script", config, "busbar_demo_site_ess2_mode", "mode=SET_POWER", "power=-1500",
            "duration=600")
        #expect(demo.master.value("ess2.activeMode") == 7)
        #expect(demo.master.value("ess2.activeModePower") == -1500)
        _ = try demo.peer("homeassistant-script", config, "busbar_demo_site_site_ess_mode", "mode=RELEASE")
        #expect(demo.master.value("site.ess.activeMode") == 0)
        #expect(demo.master.value("site.ess.source") == 1)
    }

    /// The evcc meters' values against busbar's native aggregates.
    func expectMeters(_ answer: [String: Any], _ demo: Demo, before: [String: Double?], socTolerance: Double) {
        let meters = answer["meters"] as? [String: [String: Any]] ?? [:]
        let after = Dictionary(uniqueKeysWithValues: before.keys.map { ($0, demo.master.value($0)) })
        func expect(_ meter: String, _ role: String, _ name: String, factor: Double = 1, tolerance: Double) {
            let value = (meters[meter]?[role] as? Double).map { $0 * factor }
            #expect(
                Self.agrees(value, before: before[name] ?? nil, after: after[name] ?? nil, tolerance: tolerance),
                "\(meter).\(role): evcc read \(String(describing: value)), busbar served \(String(describing: before[name] ?? nil))"
            )
        }
        expect("busbar-grid", "power", "site.grid.activePower", tolerance: 400)
        expect("busbar-pv", "power", "site.pv.activePower", tolerance: 400)
        expect("busbar-pv", "energy", "site.pv.energy", factor: 1000, tolerance: 20)
        expect("busbar-battery", "power", "site.ess.activePower", tolerance: 400)
        expect("busbar-battery", "soc", "site.ess.soc", tolerance: socTolerance)
        #expect(meters["busbar-battery"]?["capacity"] as? Double == 19.8)
        let site = answer["site"] as? [String: Any]
        let named = site?["meters"] as? [String: Any]
        #expect(named?["grid"] as? String == "busbar-grid")
        #expect(named?["battery"] as? [String] == ["busbar-battery"])
        #expect(named?["pv"] as? [String] == ["busbar-pv"])
    }

    @Test func evccMetersReadBusbarsOwnValuesAndBatteryModeSteersTheCluster() throws {
        let demo = try Demo()
        let names = [
            "site.grid.activePower", "site.pv.activePower", "site.pv.energy", "site.ess.activePower", "site.ess.soc",
        ]
        func reads() -> [String: Double?] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, demo.master.value($0)) })
        }

        // The native profile's custom meters.
        let native = try demo.generate(
            "evcc.yaml", "--format", "evcc", "--host", "127.0.0.1", "--port", "\(demo.native)")
        var before = reads()
        expectMeters(try demo.peer("evcc", native), demo, before: before, socTolerance: 0.5)
        _ = try demo.peer("evcc-batterymode", native, "busbar-battery", "2")
        #expect(demo.master.value("site.ess.activeMode") == 1)
        #expect(demo.master.value("site.ess.source") == 2)
        // Watchdog-bound: evcc's re-sends at half the watchdog keep it.
        #expect((1...60).contains(demo.master.value("site.ess.remaining") ?? 0))
        _ = try demo.peer("evcc-batterymode", native, "busbar-battery", "3")
        #expect(demo.master.value("site.ess.activeMode") == 5)
        #expect(demo.master.value("site.ess.activeModePower") == 11000)
        _ = try demo.peer("evcc-batterymode", native, "busbar-battery", "4")
        #expect(demo.master.value("site.ess.activeMode") == 3)
        _ = try demo.peer("evcc-batterymode", native, "busbar-battery", "1")
        #expect(demo.master.value("site.ess.activeMode") == 0)
        #expect(demo.master.value("site.ess.source") == 1)

        // The OpenEMS profile through evcc's openems-modbus template: the same values, SoC in
        // whole percent.
        let openems = try demo.generate(
            "evcc-openems.yaml", "--format", "evcc", "--profile", "openems", "--host", "127.0.0.1", "--port",
            "\(demo.openems)")
        before = reads()
        expectMeters(try demo.peer("evcc", openems), demo, before: before, socTolerance: 1)
        _ = try demo.peer("evcc-batterymode", openems, "busbar-battery", "2")
        #expect(demo.master.value("site.ess.activeMode") == 1)
        #expect(demo.master.value("site.ess.source") == 3)
    }

    @Test func refusesAProfileTheFormatDoesNotCoverAndASiteWithoutTheUpstream() throws {
        let demoSite = Paths.root.appendingPathComponent("sites/demo.yaml").path
        let openemsHA = try busbar("map", demoSite, "--format", "homeassistant", "--profile", "openems")
        #expect(openemsHA.status == 1)
        #expect(openemsHA.errorOutput.contains("generated for the native profile"))
        #expect(openemsHA.output.isEmpty)
        let badPort = try busbar("map", demoSite, "--format", "evcc", "--port", "70000")
        #expect(badPort.status == 1)
        #expect(badPort.errorOutput.contains("not a TCP port"))

        let folder = try temporaryFolder("integrations")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site.yaml")
        try """
        site: No upstream
        devices:
          - {id: grid, map: \(shippedMap("generic-grid-meter.yaml")), uri: "127.0.0.1:1502", unit: 1}

        """.write(to: site, atomically: true, encoding: .utf8)
        let noUpstream = try busbar("map", site.path, "--format", "evcc")
        #expect(noUpstream.status == 1, "\(noUpstream.errorOutput)")
        #expect(noUpstream.errorOutput.contains("has no upstream with profile native; give --port"))
        let given = try busbar("map", site.path, "--format", "evcc", "--host", "gw.local", "--port", "502")
        #expect(given.status == 0, "\(given.errorOutput)")
        #expect(given.output.contains("uri: gw.local:502"))
        #expect(!given.output.contains("busbar-battery"))
    }
}
