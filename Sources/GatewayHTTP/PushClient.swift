public import AsyncHTTPClient
import Control
public import Foundation
public import Gateway
public import GatewayState
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization

/// Pushes the site's data to a cloud EMS and applies the control modes its responses carry,
/// as source `cloud` (the clever-PV proposal: the response to the push is the command).
///
/// Every `interval` it POSTs a `CurrentDataDocument` as JSON, never more often than the
/// receiver's rate limit allows. Any 2xx counts as delivered, and the response's
/// `activateControlModes` and `schedule` are applied whole or refused whole; refusals are
/// reported in the next push's `rejectedControlModes`. An HTTP error or a timeout changes no
/// mode: the control core's watchdog for `cloud` ends modes the cloud stops repeating.
public final class PushClient: Sendable, Service {
    /// The settings.
    public let configuration: PushConfiguration
    /// The cloud's command source and its pending refusals.
    package let session: ControlSession

    private let snapshot: @Sendable () -> GatewaySnapshot
    private let httpClient: HTTPClient
    private let logger: Logger
    private let limiter: Mutex<RateLimiter>
    private let clock: PacingClock
    private let stopping = Atomic<Bool>(false)
    private let progress = Mutex(PushStatus())

    /// How often the loop looks for a stop.
    static let tick: Duration = .milliseconds(250)

    /// The HTTP client pushes go out on unless told: AsyncHTTPClient's shared settings, except
    /// `retryConnectionEstablishment`. With it on (the default), a connection refused while the
    /// cloud is away is retried by the pool with a back-off that grows by 1.25 at every failed
    /// attempt up to a minute, and a push waits for that connection until its timeout; after an
    /// outage of some seconds the pool's next attempt, and so the first delivered push, came up
    /// to a back-off step after the cloud was back. Off, a push whose connection cannot be made
    /// fails at once, and the next push opens a new connection: the first push after the
    /// cloud's return is delivered.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A client for `configuration`, reading `snapshot` and commanding `sink`. The HTTP client
    /// defaults to ``defaultHTTPClient``. `clock` paces the pushes and the rate limit, and
    /// `wallClock` is the time the documents carry; both are for tests.
    public init<C: Clock<Duration>>(
        configuration: PushConfiguration, snapshot: @escaping @Sendable () -> GatewaySnapshot, sink: any CommandSink,
        logger: Logger, httpClient: HTTPClient = PushClient.defaultHTTPClient, clock: C = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.clock = PacingClock(clock)
        self.snapshot = snapshot
        self.httpClient = httpClient
        self.logger = logger
        self.limiter = Mutex(configuration.rateLimit)
        self.session = ControlSession(
            source: PushConfiguration.source, sink: sink, snapshot: snapshot,
            allowedTargets: configuration.allowedTargets, maximumBodySize: configuration.maximumResponseSize,
            logger: logger, wallClock: wallClock, client: URL(string: configuration.url)?.host)
    }

    /// How the pushes went so far.
    public var status: PushStatus { progress.withLock { $0 } }

    /// Pushes every `interval` until `stop()`, cancellation
    /// or (in a service group) a graceful shutdown. A push under way when `stop()` or the
    /// shutdown comes is finished first.
    public func run() async {
        logger.info(
            "push client started",
            metadata: ["push.url": "\(redactedURL)", "push.interval": "\(configuration.interval)"])
        await waitForFirstPoll()
        var next = clock.now
        while !stopping.load(ordering: .acquiring), !Task.isCancelled, !Task.isShuttingDownGracefully {
            if clock.now >= next {
                next = clock.now + configuration.interval
                await push()
            }
            let wait = min(Self.tick, max(.zero, next - clock.now))
            try? await clock.sleep(for: wait)
        }
        logger.info("push client stopped", metadata: ["push.url": "\(redactedURL)"])
    }

    /// Waits until the control core has decided on polled data (every device polled once, or
    /// one interval at the most, so that a dead device does not keep the cloud uninformed): a
    /// first push of nulls without available modes would tell the cloud the site has nothing.
    private func waitForFirstPoll() async {
        let deadline = clock.now + configuration.interval
        while !stopping.load(ordering: .acquiring), !Task.isCancelled, clock.now < deadline {
            let current = snapshot()
            if current.decision != nil, current.devices.allSatisfy({ $0.age != nil }) { return }
            try? await clock.sleep(for: min(Self.tick, max(.zero, deadline - clock.now)))
        }
    }

    /// Ends `run()` after the push under way, if any.
    public func stop() {
        stopping.store(true, ordering: .releasing)
    }

    /// Pushes once now (after waiting for the rate limit) and applies the response.
    @discardableResult
    public func push() async -> PushResult {
        guard await admit() else { return .failed("stopped while waiting for the rate limit") }
        let time = session.now()
        let report = session.pendingReport
        let document = CurrentDataDocument(
            snapshot: snapshot(), at: time,
            for: DocumentAudience(priority: configuration.priority, allowedTargets: configuration.allowedTargets),
            rejected: report.rejections)
        progress.withLock {
            $0.attempts += 1
            $0.lastAttempt = time.wall
        }
        let result = await send(document)
        switch result {
        case .delivered(let status, let outcome):
            session.removeReported(report)
            let failures = progress.withLock { $0.consecutiveFailures }
            if failures > 0 {
                logger.notice(
                    "push delivered again", metadata: ["push.url": "\(redactedURL)", "push.failures": "\(failures)"])
            }
            progress.withLock {
                $0.delivered += 1
                $0.consecutiveFailures = 0
                $0.lastDelivered = time.wall
            }
            logger.debug("push delivered", metadata: ["http.status": "\(status)", "outcome": "\(outcome)"])
        case .refused(let status):
            failed("HTTP status \(status)")
        case .failed(let reason):
            failed(reason)
        }
        return result
    }

    private func send(_ document: CurrentDataDocument) async -> PushResult {
        var request = HTTPClientRequest(url: configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "busbar")
        do {
            let body = try JSONCoding.encoder().encode(document)
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await httpClient.execute(
                request, timeout: TimeAmount(configuration.timeout), logger: logger)
            let status = Int(response.status.code)
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: configuration.maximumResponseSize)
            } catch is NIOTooManyBytesError {
                guard (200..<300).contains(status) else { return .refused(status: status) }
                let error = ControlRequestError.tooLarge(limit: configuration.maximumResponseSize)
                session.reject(error)
                return .delivered(status: status, outcome: .failure(error))
            }
            guard (200..<300).contains(status) else { return .refused(status: status) }
            return .delivered(status: status, outcome: session.handle(body: bytes.readableBytesView))
        } catch {
            return .failed("\(error)")
        }
    }

    /// Waits until the rate limit takes one more request; `false` when stopped or cancelled
    /// meanwhile.
    private func admit() async -> Bool {
        while true {
            let now = clock.now
            let wait = limiter.withLock { $0.admit(at: now) }
            guard let wait else { return true }
            guard !stopping.load(ordering: .acquiring) else { return false }
            do { try await clock.sleep(for: min(wait, Self.tick)) } catch { return false }
        }
    }

    /// Counts a failed push; an outage is logged once, at its first failure (the next delivered
    /// push logs its end), not at every push.
    private func failed(_ reason: String) {
        let failures = progress.withLock {
            $0.consecutiveFailures += 1
            $0.lastError = reason
            return $0.consecutiveFailures
        }
        if failures == 1 {
            logger.warning("push failed", metadata: ["push.url": "\(redactedURL)", "reason": "\(reason)"])
        } else {
            logger.debug("push failed", metadata: ["push.url": "\(redactedURL)", "reason": "\(reason)"])
        }
    }

    /// The URL without its query and path, which may carry the API key.
    private var redactedURL: String {
        guard let url = URL(string: configuration.url), let host = url.host else { return "(invalid URL)" }
        return "\(url.scheme ?? "http")://\(host)\(url.port.map { ":\($0)" } ?? "")/…"
    }
}
