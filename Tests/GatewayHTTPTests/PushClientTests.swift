import Control
import Foundation
import Gateway
import GatewayHTTP
import GatewayState
import Hummingbird
import InMemoryLogging
import Logging
import Synchronization
import TestSupport
import Testing

@Suite("Push client against a fake cloud EMS", .timeLimit(.minutes(1)))
struct PushClientTests {
    let site = SiteDouble()

    func makeClient(
        _ url: String, interval: Duration = .seconds(15), timeout: Duration = .seconds(5),
        rateLimit: RateLimiter = .cleverPV,
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "test")
    ) -> PushClient {
        let site = self.site
        return PushClient(
            configuration: PushConfiguration(url: url, interval: interval, timeout: timeout, rateLimit: rateLimit),
            snapshot: { site.snapshot() }, sink: site, logger: logger, clock: clock,
            wallClock: { site.clock.wall })
    }

    @Test func pushesTheCurrentDataAsJSON() async throws {
        let cloud = FakeCloud()
        let result = try await cloud.serve { url in await makeClient(url).push() }
        #expect(result == .delivered(status: 202, outcome: .success(ControlOutcome())))
        let push = try #require(await cloud.pushes.first)
        #expect(push.contentType == "application/json")
        #expect(push.path == "/api/push/device-key-123")
        #expect(push.json["watt"] as? Double == 1200)
        #expect(push.json["powerStorageState"] as? Int == 1)
        #expect((push.json["currentData"] as? [String: Any])?["_sum/EssSoc"] as? Double == 55)
        #expect((push.json["availableControlModes"] as? [String: Any])?["ess"] != nil)
    }

    @Test func theResponseActivatesAndDeactivatesModesAsTheCloud() async throws {
        let cloud = FakeCloud([
            .init(body: #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#),
            .init(body: #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}"#),
            .init(body: #"{"activateControlModes": {"ess": null}}"#),
        ])
        try await cloud.serve { url in
            let client = makeClient(url)
            await client.push()
            #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
            await client.push()
            #expect(site.held().map(\.mode) == [.ess(.limitCharge(maxChargePower: 1000))])
            await client.push()
            #expect(site.held().isEmpty)
        }
        #expect(site.submitted.map(\.source) == ["cloud", "cloud"])
        // The journal's client of a push command: the push URL's host.
        #expect(site.clients == ["127.0.0.1", "127.0.0.1"])
        #expect(site.calls.last == .release("cloud", .essCluster))
        // The second push reports the mode the first one activated.
        let pushes = await cloud.pushes
        let active = (pushes[1].json["activeControlModes"] as? [String: [String: Any]])?["ess"]
        #expect(active?["mode"] as? String == "NO_DISCHARGE")
        #expect(active?["source"] as? String == "cloud")
    }

    @Test func anEmptyResponseChangesNothing() async throws {
        let cloud = FakeCloud([
            .init(body: #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#), .init(body: ""),
            .init(body: "{}"),
        ])
        try await cloud.serve { url in
            let client = makeClient(url)
            await client.push()
            site.clearCalls()
            await client.push()
            await client.push()
        }
        #expect(site.calls.isEmpty)
        #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
    }

    @Test func garbageChangesNothingAndIsReportedInTheNextPush() async throws {
        let cloud = FakeCloud([
            .init(body: #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#),
            .init(body: "this is not JSON"),
            .init(
                body:
                    #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": -1}, "bat9": {"mode": "NO_CHARGE"}}}"#
            ),
            .init(body: #"{"activateControlModes": {"ess": {"mode": "HYPERDRIVE"}}}"#),
            .init(body: #"{"activateControlModes": {"ess": "NO_DISCHARGE"}}"#),
            .init(body: "{}" + String(repeating: " ", count: 1_100_000)),
        ])
        try await cloud.serve { url in
            let client = makeClient(url)
            await client.push()
            site.clearCalls()
            for _ in 0..<6 { await client.push() }
        }
        #expect(site.calls.isEmpty)
        #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
        let pushes = await cloud.pushes
        let reported = pushes.map { ($0.json["rejectedControlModes"] as? [[String: Any]]) ?? [] }
        #expect(reported.map(\.count) == [0, 0, 1, 2, 1, 1, 1])
        #expect((reported[2].first?["reason"] as? String)?.hasPrefix("invalid JSON") == true)
        #expect(reported[3].map { $0["target"] as? String } == ["bat9", "ess"])
        #expect((reported[4].first?["reason"] as? String)?.contains("HYPERDRIVE") == true)
        #expect((reported[6].first?["reason"] as? String) == "body larger than 1048576 bytes")
    }

    @Test func anHTTPErrorOrATimeoutEndsNoModeAndKeepsTheReports() async throws {
        let cloud = FakeCloud([
            .init(body: #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#),
            .init(body: "garbage"),
            .init(status: .internalServerError, body: #"{"activateControlModes": {"ess": null}}"#),
            .init(body: #"{"activateControlModes": {"ess": null}}"#, delay: .seconds(2)),
        ])
        let results = try await cloud.serve { url in
            let client = makeClient(url, timeout: .milliseconds(500))
            var results: [PushResult] = []
            for _ in 0..<4 { results.append(await client.push()) }
            #expect(client.status.consecutiveFailures == 2)
            #expect(client.status.delivered == 2)
            return results
        }
        #expect(results[2] == .refused(status: 500))
        guard case .failed = results[3] else {
            Issue.record("a slow answer did not time out: \(results[3])")
            return
        }
        #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
        let pushes = await cloud.pushes
        // The garbage is reported by every push until one is delivered.
        #expect(pushes.map { ($0.json["rejectedControlModes"] as? [Any])?.count } == [0, 0, 1, 1])
    }

    @Test func theFirstPushWaitsForTheFirstPoll() async throws {
        let cloud = FakeCloud()
        let polled = Mutex(false)
        let site = self.site
        try await cloud.serve { url in
            let client = PushClient(
                configuration: PushConfiguration(url: url, interval: .seconds(3600), timeout: .seconds(5)),
                snapshot: {
                    let full = site.snapshot()
                    guard !polled.withLock({ $0 }) else { return full }
                    return GatewaySnapshot(
                        siteName: full.siteName, at: full.at,
                        devices: full.devices.map {
                            DeviceStatus(
                                id: $0.id, kind: $0.kind, online: false, age: nil, values: [:], identity: [:],
                                ratings: $0.ratings)
                        },
                        decision: nil, gridPower: nil)
                },
                sink: site, logger: Logger(label: "test"), wallClock: { site.clock.wall })
            let running = Task { await client.run() }
            try await Task.sleep(for: .milliseconds(600))
            #expect(await cloud.pushes.isEmpty)
            polled.withLock { $0 = true }
            let pushes = await cloud.waitForPushes(1)
            client.stop()
            await running.value
            #expect(pushes.first?.json["soc"] as? Double == 55)
            #expect((pushes.first?.json["availableControlModes"] as? [String: Any])?.isEmpty == false)
        }
    }

    /// The cloud is away long enough for a retrying connection pool to back off for seconds;
    /// once it is back (on the same port), the first push made reaches it (the one under way at
    /// its return aside). The outage is logged once, at its first failure, and its end once.
    @Test
    func afterAnOutageThePushMadeOnTheCloudsReturnIsDelivered() async throws {
        let port = freePort()
        let log = InMemoryLogHandler()
        let client = makeClient(
            FakeCloud.url(port: port), interval: .seconds(1), timeout: .seconds(3),
            logger: Logger(label: "test") { _ in log })
        let running = Task { await client.run() }
        defer {
            client.stop()
            running.cancel()
        }
        try await waitUntil(timeout: .seconds(30)) { client.status.consecutiveFailures >= 12 }
        let cloud = FakeCloud()
        try await cloud.serve(port: port) { _ in
            let attemptsAtReturn = client.status.attempts
            try await waitUntil(timeout: .seconds(10)) { client.status.delivered > 0 }
            #expect(client.status.attempts - attemptsAtReturn <= 2, "\(client.status)")
        }
        #expect(client.status.lastError?.isEmpty == false)
        let notices = log.entries.filter { $0.level >= .notice }.map(\.message.description)
        #expect(notices == ["push failed", "push delivered again"], "\(notices)")
    }

    @Test func aScheduleFromTheResponseGoesToTheCore() async throws {
        let cloud = FakeCloud([
            .init(
                body: #"""
                    {"schedule": [{"start": "2026-05-01T12:15:00Z", "duration": 900,
                                   "activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 2000}}}]}
                    """#)
        ])
        try await cloud.serve { url in
            let client = makeClient(url, interval: .seconds(3600))
            let running = Task { await client.run() }
            _ = await cloud.waitForPushes(1)
            try await waitUntil { !site.schedules.isEmpty }
            client.stop()
            await running.value
        }
        #expect(site.submitted.isEmpty)
        #expect(
            site.schedules == [
                Schedule(
                    source: "cloud", target: .essCluster,
                    slots: [
                        Schedule.Slot(
                            start: ManualClock.instant(900), end: ManualClock.instant(1800),
                            mode: .ess(.limitCharge(maxChargePower: 2000)))
                    ])
            ])
    }

    /// The time from each arrival to the next, on the client's clock.
    func spacing(_ pushes: [FakeCloud.Push]) throws -> [Duration] {
        let arrivals = try pushes.map { try #require($0.at) }
        return zip(arrivals, arrivals.dropFirst()).map { $0.duration(to: $1) }
    }

    @Test func theRateLimitIsNeverExceeded() async throws {
        let clock = ImmediateClock()
        let cloud = FakeCloud(clock: clock)
        let (interval, window) = (Duration.milliseconds(20), Duration.seconds(1))
        let pushes = try await cloud.serve { url in
            let client = makeClient(
                url, interval: interval, rateLimit: RateLimiter(requests: 4, per: window), clock: clock)
            let running = Task { await client.run() }
            let pushes = await cloud.waitForPushes(12)
            client.stop()
            await running.value
            return pushes
        }
        try #require(pushes.count >= 12)
        let spacing = try spacing(pushes)
        // Four pushes one interval apart, then a wait until the first leaves the window.
        #expect(spacing.prefix(3) == [interval, interval, interval])
        for index in spacing.indices.dropLast(3) {
            #expect(spacing[index...].prefix(4).reduce(.zero, +) >= window, "pushes \(index) to \(index + 4)")
        }
    }

    @Test func runPushesEveryIntervalAndStopsGracefully() async throws {
        let clock = ImmediateClock()
        let cloud = FakeCloud(clock: clock)
        let interval = Duration.milliseconds(300)
        try await cloud.serve { url in
            let client = makeClient(url, interval: interval, clock: clock)
            let running = Task { await client.run() }
            let pushes = await cloud.waitForPushes(5)
            client.stop()
            await running.value
            try #require(pushes.count >= 5)
            #expect(try spacing(pushes) == Array(repeating: interval, count: pushes.count - 1))
        }
    }
}

/// Polls `condition` every 20 ms for up to `timeout`.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
