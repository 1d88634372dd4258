import Control
import Foundation
import Gateway
import GatewayHTTP
import Logging
import Simulation
import SiteConfig
import TestSupport
import Testing

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
        try await cloud.serve { url in
            let push = PushClient(
                configuration: PushConfiguration(url: url, interval: .seconds(2)),
                snapshot: { site.gateway.controller.snapshot }, sink: site.gateway.controller,
                logger: Logger(label: "push"))
            let running = Task { await push.run() }
            defer {
                push.stop()
                running.cancel()
            }
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
        let port = freePort()
        let api = LocalAPI(
            configuration: LocalAPIConfiguration(port: port, bearerToken: "secret"),
            snapshot: { site.gateway.controller.snapshot }, sink: site.gateway.controller, logger: Logger(label: "api"))
        let running = Task { try await api.run() }
        defer { running.cancel() }
        let base = "http://127.0.0.1:\(port)/api"
        func curl(_ arguments: [String]) throws -> CommandResult {
            try runCommand(
                "/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer secret"] + arguments)
        }
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
}
