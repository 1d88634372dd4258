import Control
import Foundation
import Gateway
import GatewayHTTP
import GatewayState
import Logging
import Simulation
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// OpenEMS's REST API on the local API, read and written as evcc's `openems` template does it
/// (Tests/Interop/evcc_openems_rest.py, with basic auth and the template's jq expressions),
/// against the demo site's simulated devices.
@Suite(.serialized)
struct OpenEMSRestTests {
    /// The demo site at night: no sun, 4 kW load, so the batteries discharge in AUTO.
    func nightSite() throws -> ScenarioFixture {
        try ScenarioFixture(profile: .night(load: 4000))
    }

    /// The local API over `site` on a free port with the token "secret": its host:port and the
    /// task serving it.
    func serve(_ site: ScenarioFixture) async -> (host: String, running: Task<Void, any Error>) {
        let port = freePort()
        let api = LocalAPI(
            configuration: LocalAPIConfiguration(port: port, bearerToken: "secret"),
            snapshot: { site.gateway.controller.snapshot }, sink: site.gateway.controller, logger: Logger(label: "api"))
        let running = Task { try await api.run() }
        _ = await eventuallyAsync { (try? curl(["http://127.0.0.1:\(port)/api/status"]))?.code == 200 }
        return ("127.0.0.1:\(port)", running)
    }

    func evcc(_ host: String, _ arguments: [String], password: String = "secret") throws -> [String: Any] {
        let result = try runCommand(
            Paths.python, [Paths.script("evcc_openems_rest.py"), host, password] + arguments)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return try #require(object, "\(result.output) \(result.errorOutput)")
    }

    /// curl with a bearer token unless `authorization` is given; the body and the HTTP status.
    func curl(_ arguments: [String], authorization: [String] = ["-H", "Authorization: Bearer secret"]) throws -> (
        body: String, code: Int
    ) {
        let result = try runCommand("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + authorization + arguments)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.dropLast().joined(separator: "\n"), Int(lines.last ?? "") ?? 0)
    }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func evccsOpenEMSTemplateReadsGridPVAndBatteryAsTheSnapshotHoldsThem() async throws {
        let site = try nightSite()
        defer { site.stop() }
        #expect(await eventuallyAsync { site.essPower > 2000 })
        let (host, running) = await serve(site)
        defer { running.cancel() }
        // The site settles while it is read: each reading is compared with the snapshot right
        // after it, until the two agree.
        func agrees(_ usage: String, _ check: ([String: Any], GatewaySnapshot) -> Bool) -> Bool {
            eventually(timeout: .seconds(20)) {
                guard let reading = try? evcc(host, ["read", usage]) else { return false }
                return check(reading, site.gateway.controller.snapshot)
            }
        }
        let meter = { (snapshot: GatewaySnapshot) in snapshot.devices.first { $0.kind == .meter } }
        #expect(
            agrees("grid") { grid, snapshot in
                guard let power = grid["power"] as? Double, let energy = grid["energy"] as? Double,
                    let imported = meter(snapshot)?.values["energy_import"], let gridPower = snapshot.gridPower
                else { return false }
                return abs(power - gridPower) < 300 && abs(energy - imported / 1000) < 1
            })
        // The inverter is online at night and reports 0 W and its counter (kWh).
        #expect(
            agrees("pv") { pv, snapshot in
                pv["power"] as? Double == 0
                    && abs((pv["energy"] as? Double ?? .nan) - (snapshot.productionEnergy ?? .nan) / 1000) < 1
            })
        #expect(
            agrees("battery") { battery, snapshot in
                abs((battery["power"] as? Double ?? .nan) - snapshot.essActivePower) < 300
                    && abs((battery["soc"] as? Double ?? .nan) - (snapshot.essSoc ?? .nan)) <= 1
            })
        // What evcc would log: nothing.
        for usage in ["grid", "pv", "battery"] {
            let reading = try evcc(host, ["read", usage])
            #expect(reading.keys.allSatisfy { !$0.hasSuffix("Error") }, "\(reading)")
        }
    }

    @Test func evccsBatteryModesCommandTheClusterAsSourceOpenEMSRest() async throws {
        let site = try nightSite()
        defer { site.stop() }
        #expect(await eventuallyAsync { site.essPower > 2000 })
        let (host, running) = await serve(site)
        defer { running.cancel() }
        // Charge: SetActivePowerLessOrEquals -3000, "charge at least 3 kW", met exactly.
        let charge = try evcc(host, ["batterymode", "3", "--battery", "ess0", "--maxchargepower", "3000"])
        #expect(charge["status"] as? Int == 200 && charge["body"] as? String == "{}", "\(charge)")
        #expect(await eventuallyAsync { abs(site.essPower + 3000) < 100 })
        let held = site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command
        #expect(held?.origin == .source(SourceID(GatewaySources.openemsRest)))
        #expect(held?.mode == .ess(.forceCharge(power: 3000)))
        // Hold: SetActivePowerLessOrEquals 0, NO_DISCHARGE; the night load no longer drains them.
        #expect(try evcc(host, ["batterymode", "2"])["status"] as? Int == 200)
        #expect(await eventuallyAsync { site.power("ess1") <= 1 && site.power("ess2") <= 1 })
        #expect(
            site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.mode
                == .ess(.noDischarge))
        // {"value": null} drops it, as OpenEMS drops a value written as null.
        let released = try curl([
            "-X", "POST", "-H", "Content-Type: application/json", "-d", #"{"value": null}"#,
            "http://\(host)/rest/channel/ess0/SetActivePowerLessOrEquals",
        ])
        #expect(released.code == 200, "\(released)")
        #expect(await eventuallyAsync { site.essPower > 2000 })
    }

    @Test func channelsAnswerAsOpenEMSsRestHandlerWithRegexesAndBasicOrBearerAuth() async throws {
        let site = try nightSite()
        defer { site.stop() }
        let (host, running) = await serve(site)
        defer { running.cancel() }
        let base = "http://\(host)/rest/channel"
        let basic = ["-u", "x:secret"]
        // One channel: one object, OpenEMS's fields.
        let grid = try curl(["\(base)/_sum/GridActivePower"], authorization: basic)
        #expect(grid.code == 200)
        let object = try #require(try json(grid.body) as? [String: Any])
        #expect(object["address"] as? String == "_sum/GridActivePower")
        #expect(object["type"] as? String == "INTEGER")
        #expect(object["accessMode"] as? String == "RO")
        #expect(object["unit"] as? String == "W")
        #expect(object["value"] is Int, "\(grid.body)")
        // A write-only set-point has no value; energies are LONG in Wh.
        let setPoint = try #require(try json(try curl(["\(base)/ess0/SetActivePowerEquals"]).body) as? [String: Any])
        #expect(setPoint["accessMode"] as? String == "WO" && setPoint["value"] == nil, "\(setPoint)")
        // The regex forms: every _sum channel, and a channel pattern across components.
        let sums = try #require(try json(try curl(["\(base)/_sum/.*"], authorization: basic).body) as? [[String: Any]])
        let addresses = sums.compactMap { $0["address"] as? String }
        #expect(addresses.contains("_sum/EssSoc") && addresses.contains("_sum/ProductionActiveEnergy"))
        #expect(addresses.allSatisfy { $0.hasPrefix("_sum/") })
        #expect(sums.first { $0["address"] as? String == "_sum/GridBuyActiveEnergy" }?["type"] as? String == "LONG")
        let setPoints = try #require(try json(try curl(["\(base)/ess.*/SetActivePower.*"]).body) as? [[String: Any]])
        #expect(setPoints.count == 3)
        // Any user name goes with the token as password; a wrong one, none, or no match do not.
        #expect(try curl(["\(base)/_sum/EssSoc"], authorization: ["-u", "admin:secret"]).code == 200)
        #expect(try curl(["\(base)/_sum/EssSoc"], authorization: ["-u", "x:user"]).code == 401)
        #expect(try curl(["\(base)/_sum/EssSoc"], authorization: []).code == 401)
        #expect(try curl(["\(base)/_sum/NoSuchChannel"]).code == 404)
        #expect(try curl(["\(base)/_sum/(unclosed"]).code == 400)
        // Writes: read-only channels, bad bodies and values are refused and change nothing.
        func post(_ path: String, _ body: String) throws -> Int {
            try curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", body, "\(base)/\(path)"]).code
        }
        #expect(try post("_sum/GridActivePower", #"{"value": 0}"#) == 400)
        #expect(try post("ess0/SetActivePowerEquals", "{not json") == 400)
        #expect(try post("ess0/SetActivePowerEquals", #"{"value": "fast"}"#) == 400)
        #expect(try post("ess0/SetActivePowerEquals", #"{}"#) == 400)
        #expect(try post("ess9/SetActivePowerEquals", #"{"value": 0}"#) == 404)
        #expect(
            site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin
                != .source(SourceID(GatewaySources.openemsRest)))
        #expect(try post("ess0/SetActivePowerEquals", #"{"value": -1500.7}"#) == 200)
        #expect(
            await eventuallyAsync {
                site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.mode
                    == .ess(.setPower(-1500))
            })
    }
}
