import Control
import Foundation
import GatewayHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import Vocabulary

@Suite("Local JSON API over a real socket", .timeLimit(.minutes(1)))
struct LocalAPITests {
    let site = SiteDouble()

    func makeAPI(token: String? = nil, pushStatus: (@Sendable () -> PushStatus)? = nil) -> LocalAPI {
        let site = self.site
        return LocalAPI(
            configuration: LocalAPIConfiguration(port: 0, bearerToken: token, decisionWait: .zero),
            snapshot: { site.snapshot() }, sink: site, logger: Logger(label: "test"), pushStatus: pushStatus,
            wallClock: { site.clock.wall })
    }

    func withAPI<Value: Sendable>(
        token: String? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await makeAPI(token: token).makeApplication().test(.live, body)
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: "/api/control-modes", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func currentDataIsThePushDocument() async throws {
        let response = try await withAPI { try await $0.execute(uri: "/api/current-data", method: .get) }
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        let json = Self.json(response)
        #expect(json["watt"] as? Double == 1200)
        #expect((json["currentData"] as? [String: Any])?["_sum/GridActivePower"] as? Double == 1200)
        #expect(
            (json["availableControlModes"] as? [String: Any])?.keys.sorted() == ["bat1", "bat2", "cp1", "ess", "evcs"])
    }

    @Test func postingModesAppliesThemAsTheLocalSourceAndAnswersTheActiveModes() async throws {
        let response = try await withAPI { client in
            try await Self.post(
                client,
                #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1500}, "cp1": {"mode": "ZERO", "duration": 600}}}"#
            )
        }
        #expect(response.status == .ok)
        #expect(site.submitted.map(\.source) == ["local", "local"])
        // Each command names the client that sent it, by its address and port on loopback.
        #expect(site.clients.count == 2)
        #expect(site.clients.allSatisfy { $0?.hasPrefix("127.0.0.1:") == true }, "\(site.clients)")
        #expect(site.held().map(\.mode).contains(.ess(.limitCharge(maxChargePower: 1500))))
        let json = Self.json(response)
        let active = try #require(json["activeControlModes"] as? [String: [String: Any]])
        #expect(active["ess"]?["maxChargePower"] as? Double == 1500)
        #expect(active["ess"]?["source"] as? String == "local")
        #expect(active["cp1"]?["secondsLeft"] as? Int == 600)
        let accepted = (json["outcome"] as? [String: Any])?["accepted"] as? [[String: Any]]
        #expect(accepted?.count == 2)
    }

    @Test func deactivatingEndsTheLocalMode() async throws {
        try await withAPI { client in
            _ = try await Self.post(client, #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#)
            let response = try await Self.post(client, #"{"activateControlModes": {"ess": null}}"#)
            #expect(response.status == .ok)
            #expect((Self.json(response)["activeControlModes"] as? [String: Any])?.isEmpty == true)
        }
        #expect(site.held().isEmpty)
    }

    @Test func badJSONGets400AndChangesNothing() async throws {
        let response = try await withAPI { try await Self.post($0, #"{"activateControlModes": "#) }
        #expect(response.status == .badRequest)
        #expect((Self.json(response)["error"] as? String)?.hasPrefix("invalid JSON") == true)
        #expect(site.calls.isEmpty)
    }

    @Test func anInvalidRequestGets422WithEveryReasonAndChangesNothing() async throws {
        let response = try await withAPI { client in
            try await Self.post(
                client,
                #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}, "bat1": {"mode": "LIMIT_CHARGE", "maxChargePower": true}, "cp1": {"mode": "LIMIT", "current": 20000}, "pv": {"mode": "ZERO"}}}"#
            )
        }
        #expect(response.status == .unprocessableContent)
        let json = Self.json(response)
        let reasons = try #require(json["rejectedControlModes"] as? [[String: Any]])
        #expect(reasons.map { $0["target"] as? String } == ["bat1", "cp1", "pv"])
        #expect(
            reasons.map { $0["path"] as? String } == [
                "activateControlModes.bat1.maxChargePower", "activateControlModes.cp1.current",
                "activateControlModes.pv",
            ])
        #expect(json["error"] as? String == "3 problem(s); nothing was changed")
        #expect(site.calls.isEmpty)
    }

    @Test func anOversizedBodyGets413() async throws {
        let response = try await withAPI { client in
            try await Self.post(client, "{}" + String(repeating: " ", count: 1_100_000))
        }
        #expect(response.status == .contentTooLarge)
        #expect(site.calls.isEmpty)
    }

    @Test func aTokenIsRequiredWhenConfigured() async throws {
        try await withAPI(token: "s3cret") { client in
            let missing = try await client.execute(uri: "/api/current-data", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"busbar\"")
            #expect(Self.json(missing)["error"] as? String == "missing bearer token")

            let wrong = try await client.execute(
                uri: "/api/status", method: .get, headers: [.authorization: "Bearer guess"])
            #expect(wrong.status == .unauthorized)
            #expect(Self.json(wrong)["error"] as? String == "wrong bearer token")

            let refused = try await Self.post(
                client, #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#,
                headers: [.authorization: "Bearer s3cre"])
            #expect(refused.status == .unauthorized)

            let right = try await Self.post(
                client, #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#,
                headers: [.authorization: "Bearer s3cret"])
            #expect(right.status == .ok)
        }
        #expect(site.submitted.count == 1)
    }

    @Test func statusShowsDevicesCommandsPerSourceAndTheWatchdog() async throws {
        _ = site.submit(.ess(.noCharge, from: "modbus", at: site.now()))
        _ = site.submit(.ess(.noDischarge, from: "local", at: site.now(), end: .after(.seconds(300))))
        site.clock.advance(by: .seconds(20))
        let response = try await withAPI { try await $0.execute(uri: "/api/status", method: .get) }
        #expect(response.status == .ok)
        let json = Self.json(response)
        #expect(json["devicesOnline"] as? Int == 4)
        let devices = try #require(json["devices"] as? [[String: Any]])
        #expect(devices.first?["id"] as? String == "bat1")
        #expect(devices.first?["ageSeconds"] as? Double == 0.4)
        let active = try #require(json["activeCommands"] as? [String: [[String: Any]]])
        #expect(active["modbus"]?.first?["mode"] as? String == "NO_CHARGE")
        #expect(active["local"]?.first?["secondsLeft"] as? Int == 280)
        let watchdog = try #require(json["watchdog"] as? [String: [String: Any]])
        #expect(watchdog["modbus"]?["secondsLeft"] as? Int == 40)
        #expect(watchdog["local"]?["commands"] as? Int == 1)
    }

    @Test func statusIncludesThePushClientsState() async throws {
        var push = PushStatus()
        push.attempts = 3
        push.consecutiveFailures = 1
        push.lastError = "HTTP status 503"
        let state = push
        let response = try await makeAPI(pushStatus: { state }).makeApplication().test(.live) {
            try await $0.execute(uri: "/api/status", method: .get)
        }
        let json = Self.json(response)["push"] as? [String: Any]
        #expect(json?["attempts"] as? Int == 3)
        #expect(json?["lastError"] as? String == "HTTP status 503")
    }

    @Test func aPostedScheduleIsTheCoresAndShowsInTheStatus() async throws {
        let api = makeAPI()
        let response = try await api.makeApplication().test(.live) { client in
            try await Self.post(
                client,
                #"{"schedule": [{"start": "2026-05-01T12:01:00Z", "duration": 60, "activateControlModes": {"evcs": {"mode": "MINIMUM"}}}]}"#
            )
        }
        #expect(response.status == .ok)
        #expect((Self.json(response)["outcome"] as? [String: Any])?["scheduledSlots"] as? Int == 1)
        #expect(site.schedules.map(\.source) == ["local"])
        let status = try await api.makeApplication().test(.live) {
            try await $0.execute(uri: "/api/status", method: .get)
        }
        let entry = (Self.json(status)["schedules"] as? [[String: Any]])?.first
        #expect(entry?["target"] as? String == "evcs")
        #expect(entry?["source"] as? String == "local")
        #expect(entry?["current"] == nil || entry?["current"] is NSNull)
        let next = entry?["next"] as? [String: Any]
        #expect(next?["mode"] as? String == "MINIMUM")
        #expect(next?["secondsLeft"] as? Int == 60)
        #expect(next?["start"] as? String == "2026-05-01T12:01:00Z")
    }

    @Test func aWeekOfQuarterHourSlotsFitsTheBody() async throws {
        let slots = (0..<672).map { index in
            let start = ManualClock.at(Double(index) * 900).formatted(.iso8601)
            return
                #"{"start": "\#(start)", "duration": 900, "activateControlModes": {"ess": {"mode": "GRID_SETPOINT", "gridPower": -1000}, "evcs": {"mode": "LIMIT", "current": 10}}}"#
        }
        let body = #"{"schedule": [\#(slots.joined(separator: ",\n"))]}"#
        #expect(body.utf8.count > 64 * 1024)
        let response = try await withAPI { try await Self.post($0, body) }
        #expect(response.status == .ok)
        #expect((Self.json(response)["outcome"] as? [String: Any])?["scheduledSlots"] as? Int == 2 * 672)
    }

    @Test func unknownPathsGet404() async throws {
        let response = try await withAPI { try await $0.execute(uri: "/api/nothing", method: .get) }
        #expect(response.status == .notFound)
    }
}
