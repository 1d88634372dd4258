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
import Upstreams

/// Issue 7's "done when" against the demo site: a scripted cloud EMS switches NO_DISCHARGE on
/// and off through the push response, and the local API switches LIMIT_CHARGE with curl; the
/// simulated batteries follow.
@Suite(.serialized)
struct DemoSiteHTTPTests {
    func activate(_ mode: String?) -> FakeCloud.Reply {
        FakeCloud.Reply(
            body: mode.map { #"{"activateControlModes": {"ess": {"mode": "\#($0)"}}}"# }
                ?? #"{"activateControlModes": {"ess": null}}"#)
    }

    /// The local API over `site` on a free port, bearer token "secret": its base URL, and the
    /// task that serves it (cancel it to stop).
    func serveLocalAPI(_ site: ScenarioFixture) -> (base: String, running: Task<Void, any Error>) {
        let port = freePort()
        let api = LocalAPI(
            configuration: LocalAPIConfiguration(port: port, bearerToken: "secret"),
            snapshot: { site.gateway.controller.snapshot }, sink: site.gateway.controller, logger: Logger(label: "api"))
        return ("http://127.0.0.1:\(port)/api", Task { try await api.run() })
    }

    /// curl against the local API with its token; the output ends with the HTTP status.
    func curl(_ arguments: [String]) throws -> CommandResult {
        try runCommand(
            "/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer secret"] + arguments)
    }

    /// The local API's `/status` document, or `nil` while it does not answer.
    func status(_ base: String) -> [String: Any]? {
        guard let result = try? curl(["\(base)/status"]), result.output.hasSuffix("200") else { return nil }
        let body = result.output.split(separator: "\n").dropLast().joined(separator: "\n")
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    /// Runs `body` while a push client pushes `site` to `cloud` every `interval`.
    func pushing(
        to cloud: FakeCloud, every interval: Duration, from site: ScenarioFixture,
        _ body: @Sendable () async throws -> Void
    ) async throws {
        try await cloud.serve { url in
            let push = PushClient(
                configuration: PushConfiguration(url: url, interval: interval),
                snapshot: { site.gateway.controller.snapshot }, sink: site.gateway.controller,
                logger: Logger(label: "push"))
            let running = Task { await push.run() }
            defer {
                push.stop()
                running.cancel()
            }
            try await body()
        }
    }

    /// The first non-nil value `produce` gives within ten seconds.
    func eventuallyValue<Value>(_ produce: () async throws -> Value?) async rethrows -> Value? {
        var value: Value?
        _ = try await eventuallyAsync {
            value = try await produce()
            return value != nil
        }
        return value
    }

    @Test func scriptedCloudSwitchesNoDischargeOnAndOffAndTheBatteriesFollow() async throws {
        var night = SiteProfile()
        night.load = 4000
        night.pvPeak = 0
        let site = try ScenarioFixture(profile: night)
        defer { site.stop() }
        // In AUTO the batteries cover the night load.
        #expect(await eventuallyAsync { site.essPower > 2000 })
        let cloud = FakeCloud(
            [activate("NO_DISCHARGE"), FakeCloud.Reply(body: ""), activate("NO_DISCHARGE"), activate(nil)],
            fallback: FakeCloud.Reply(body: "{}"))
        try await pushing(to: cloud, every: .seconds(2), from: site) {
            #expect(await eventuallyAsync { site.power("ess1") <= 1 && site.power("ess2") <= 1 })
            let held = site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command
            #expect(held?.origin == .source("cloud"))
            #expect(held?.mode == .ess(.noDischarge))
            // The empty response keeps the mode; the fourth push's null ends it.
            _ = await cloud.waitForPushes(3)
            #expect(site.power("ess1") <= 1 && site.power("ess2") <= 1)
            _ = await cloud.waitForPushes(4)
            #expect(await eventuallyAsync { site.essPower > 2000 })
            let pushes = await cloud.pushes
            #expect(pushes.first?.contentType == "application/json")
            #expect((pushes.last?.json["activeControlModes"] as? [String: Any])?["ess"] != nil)
        }
    }

    @Test func localAPISwitchesLimitChargeWithCurlAndTheBatteriesFollow() async throws {
        var sunny = SiteProfile()
        sunny.load = 1000
        sunny.pvPeak = 15_000
        sunny.start = .seconds(12 * 3600)
        let site = try ScenarioFixture(profile: sunny)
        defer { site.stop() }
        // In AUTO the batteries soak up the PV surplus.
        #expect(await eventuallyAsync { site.essPower < -5000 })
        let (base, running) = serveLocalAPI(site)
        defer { running.cancel() }
        #expect(await eventuallyAsync { (try? curl(["\(base)/status"]))?.output.hasSuffix("200") == true })
        let limit = #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}"#
        let accepted = try curl([
            "-X", "POST", "-H", "Content-Type: application/json", "-d", limit, "\(base)/control-modes",
        ])
        #expect(accepted.output.hasSuffix("200"), "\(accepted.output)")
        #expect(await eventuallyAsync { site.essPower >= -1000 - 20 })
        // Garbage and a missing token change nothing.
        #expect(try curl(["-X", "POST", "-d", "{not json", "\(base)/control-modes"]).output.hasSuffix("400"))
        let anonymous = try runCommand(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/current-data"])
        #expect(anonymous.output == "401")
        #expect(site.essPower >= -1000 - 20)
        let off = try curl(["-X", "POST", "-d", #"{"activateControlModes": {"ess": null}}"#, "\(base)/control-modes"])
        #expect(off.output.hasSuffix("200"), "\(off.output)")
        #expect(await eventuallyAsync { site.essPower < -5000 })
    }

    /// Issue 12: the demo's simulated inverter's production appears in the native, OpenEMS and
    /// JSON views, and each matches what a pymodbus master reads from the inverter itself.
    @Test func thePVInvertersProductionShowsInEveryViewAsTheInverterReadsIt() async throws {
        // A still sun, so the production holds while the views are read one after the other.
        var still = SiteProfile()
        still.load = 2000
        still.pvPeak = 6500
        still.start = .seconds(12 * 3600)
        still.dayLength = .zero
        let site = try ScenarioFixture(profile: still)
        defer { site.stop() }
        #expect(await eventuallyAsync { site.gateway.controller.snapshot.productionActivePower == 6500 })
        let inverter = try #require(site.port(of: "pv1"))
        let table = OpenEMSTable(layout: OpenEMSProfile.layout(for: site.loaded.site, maps: site.loaded.maps))
        let production = try #require(table.address(of: .productionActivePower, in: "_sum"))
        let results = try site.master([
            site.readOperation("site.pv.activePower"), site.readOperation("pv1.activePower"),
            site.readOperation("openems", port: site.openemsPort, address: production, type: "float32"),
            site.readOperation("direct", port: inverter, unit: 1, address: 40091, type: "float32"),
            site.readOperation("site.pv.energy"),
            site.readOperation("direct", port: inverter, unit: 1, address: 40101, type: "float32"),
        ])
        let values = results.map { ($0["value"] as? NSNumber)?.doubleValue ?? .nan }
        #expect(values[3] == 6500, "the inverter itself: \(results)")
        #expect(values[0] == values[3])  // native site telemetry, int32 W
        #expect(values[1] == values[3])  // native device block
        #expect(values[2] == values[3])  // OpenEMS _sum/ProductionActivePower, float32
        #expect(abs(values[4] - values[5]) < 10)  // Wh, read a moment apart at 1.8 Wh/s

        let (base, running) = serveLocalAPI(site)
        defer { running.cancel() }
        let url = "\(base)/current-data"
        func currentData() throws -> [String: Any]? {
            let result = try runCommand("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer secret", url])
            return try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        }
        #expect(await eventuallyAsync { (try? currentData()) != nil })
        let json = try #require(try currentData())
        #expect((json["producingWatt"] as? NSNumber)?.doubleValue == values[3])
        let data = try #require(json["currentData"] as? [String: Any])
        #expect((data["_sum/ProductionActivePower"] as? NSNumber)?.doubleValue == values[3])
        #expect((data["pv1/ActivePower"] as? NSNumber)?.doubleValue == values[3])
    }
}
