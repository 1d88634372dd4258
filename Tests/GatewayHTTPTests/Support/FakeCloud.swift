import Foundation
import Hummingbird
import NIOCore

/// A cloud EMS for tests: a real HTTP server on loopback that records every push and answers
/// with scripted responses, then with `fallback`. Given the clock the client runs on, it notes
/// when on that clock each push arrived.
actor FakeCloud {
    struct Reply: Sendable {
        var status: HTTPResponse.Status = .accepted
        var body: String = ""
        /// How long to wait before answering (to provoke a timeout).
        var delay: Duration = .zero
    }

    struct Push: Sendable {
        var body: Data
        var contentType: String?
        var path: String
        /// When it arrived on the cloud's clock, if it has one.
        var at: ImmediateClock.Instant?

        /// The body as the JSON object it should be.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    private var script: [Reply]
    private let fallback: Reply
    private let clock: ImmediateClock?
    private(set) var pushes: [Push] = []

    init(_ script: [Reply] = [], fallback: Reply = Reply(), clock: ImmediateClock? = nil) {
        self.script = script
        self.fallback = fallback
        self.clock = clock
    }

    func record(_ push: Push) -> Reply {
        var push = push
        push.at = clock?.now
        pushes.append(push)
        return script.isEmpty ? fallback : script.removeFirst()
    }

    /// The push URL on `port`.
    static func url(port: Int) -> String { "http://127.0.0.1:\(port)/api/push/device-key-123" }

    /// Waits until `count` pushes arrived (or five seconds passed) and returns them.
    func waitForPushes(_ count: Int) async -> [Push] {
        let deadline = ContinuousClock.now + .seconds(5)
        while pushes.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return pushes
    }

    /// Runs `body` with the server listening on `port` (0: a free one); `body` gets the push URL
    /// (with an API key in it).
    nonisolated func serve<Value: Sendable>(
        port: Int = 0, _ body: @Sendable (_ url: String) async throws -> Value
    ) async throws -> Value {
        let router = Router()
        router.post("/api/push/:key") { request, context in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let reply = await self.record(
                Push(
                    body: Data(bytes.readableBytesView), contentType: request.headers[.contentType],
                    path: request.uri.path))
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            return Response(
                status: reply.status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        // Run as a service rather than through HummingbirdTesting's live framework, which binds
        // port 0 whatever the configuration says: a cloud that returns after an outage must come
        // back on the port the client was pushing to.
        let (bound, announce) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                announce.yield(channel.localAddress?.port ?? 0)
                announce.finish()
            })
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                // A server that cannot start ends the wait for its port (and throws its error).
                defer { announce.finish() }
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var ports = bound.makeAsyncIterator()
            guard let listening = await ports.next() else {
                _ = try await group.next()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await body(Self.url(port: listening))
        }
    }
}
