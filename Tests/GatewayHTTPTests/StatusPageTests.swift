import Foundation
import GatewayHTTP
import GatewayState
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The status page at `/`, the flows and telemetry it draws from `/api/status`, and the last
/// hour it charts from `/api/history`.
@Suite("Status page and power history", .timeLimit(.minutes(1)))
struct StatusPageTests {
    let site = SiteDouble()

    func withAPI<Value: Sendable>(
        token: String? = nil, history: PowerHistory? = nil,
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let site = self.site
        let api = LocalAPI(
            configuration: LocalAPIConfiguration(port: 0, bearerToken: token, decisionWait: .zero),
            snapshot: { site.snapshot() }, sink: site, logger: Logger(label: "test"),
            operations: LocalAPIOperations(history: history), wallClock: { site.clock.wall })
        return try await api.makeApplication().test(.live, body)
    }

    static func json(_ response: TestResponse) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    }

    @Test func thePageNeedsNoTokenAndCarriesNoDataWhileTheDataDoes() async throws {
        let history = PowerHistory()
        history.record(site.snapshot(), at: site.clock.wall)
        try await withAPI(token: "s3cret", history: history) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("sessionStorage") && html.contains("Bearer "))
            // Nothing from outside: no script, style or image is fetched from another address.
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
            // The page is the same for everyone: none of the site's data is in it.
            #expect(!html.contains("test-site") && !html.contains("bat1"))

            #expect(try await client.execute(uri: "/api/history", method: .get).status == .unauthorized)
            let samples = try await client.execute(
                uri: "/api/history", method: .get, headers: [.authorization: "Bearer s3cret"])
            #expect(samples.status == .ok)
            let array = try #require(Self.json(samples) as? [[String: Any]])
            #expect(array.count == 1)
            #expect(array.first?["grid"] as? Double == 1200)
        }
    }

    @Test func theStatusCarriesTheSitesFlowsAndEachDevicesTelemetry() async throws {
        let response = try await withAPI { try await $0.execute(uri: "/api/status", method: .get) }
        let status = try #require(Self.json(response) as? [String: Any])
        let flows = try #require(status["flows"] as? [String: Any])
        #expect(flows["grid"] as? Double == 1200)
        #expect(flows["ess"] as? Double == -1500)
        #expect(flows["ev"] as? Double == 4140)
        #expect(flows["pv"] == nil, "the site has no PV device: its production is unknown, not 0 W")
        #expect(status["essSoc"] as? Double == 55)
        let devices = try #require(status["devices"] as? [[String: Any]])
        let bat1 = try #require(devices.first { $0["id"] as? String == "bat1" })
        let telemetry = try #require(bat1["telemetry"] as? [String: Double])
        #expect(
            telemetry == [
                "soc": 40, "active_power": -1000, "allowed_charge_power": -5000, "allowed_discharge_power": 5000,
            ])
    }

    @Test func withoutAHistoryThereIsNoHistoryRoute() async throws {
        let response = try await withAPI { try await $0.execute(uri: "/api/history", method: .get) }
        #expect(response.status == .notFound)
    }

    @Test func theRingKeepsTheNewestSamplesOldestFirst() {
        let history = PowerHistory(span: .seconds(15), interval: .seconds(5))
        #expect(history.capacity == 3)
        for second in [0, 5, 10, 15, 20] {
            history.record(
                PowerHistory.Sample(
                    time: ManualClock.at(Double(second)), grid: Double(second), pv: nil, ess: nil, ev: nil))
        }
        #expect(history.samples.map(\.grid) == [10, 15, 20])
        // A gap longer than the span leaves the older samples out, though the ring still has room.
        history.record(PowerHistory.Sample(time: ManualClock.at(100), grid: 100, pv: nil, ess: nil, ev: nil))
        #expect(history.samples.map(\.grid) == [100])
    }

    @Test func theRecorderSamplesEveryIntervalOnItsClockUntilCancelled() async throws {
        let clock = ImmediateClock()
        let history = PowerHistory(span: .seconds(20), interval: .seconds(5))
        let site = self.site
        let recorder = PowerHistoryRecorder(
            history: history, snapshot: { site.snapshot() }, clock: clock,
            wallClock: { ManualClock.at(clock.now.offset.inSeconds) })
        let running = Task { await recorder.run() }
        while clock.now.offset < .seconds(60) { await Task.yield() }
        running.cancel()
        await running.value
        let samples = history.samples
        #expect(samples.count == 4)
        let gaps = zip(samples.dropFirst(), samples).map { $0.time.timeIntervalSince($1.time) }
        #expect(gaps == [5, 5, 5])
        #expect(samples.allSatisfy { $0.grid == 1200 && $0.ess == -1500 })
    }
}
