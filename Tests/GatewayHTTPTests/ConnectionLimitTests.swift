import Foundation
import GatewayHTTP
import Hummingbird
import Logging
import TestSupport
import Testing

/// The local API bounds what its clients can hold: a connection that sends nothing, or a
/// request that trickles in, is closed; at the connection limit new clients wait in the listen
/// queue until a connection closes.
@Suite("Local API connection limits", .serialized, .timeLimit(.minutes(1)))
struct ConnectionLimitTests {
    let site = SiteDouble()

    func withAPI(
        maxConnections: Int = 64, idleTimeout: Duration = .seconds(30), requestTimeout: Duration = .seconds(10),
        _ body: @Sendable @escaping (Int) async throws -> Void
    ) async throws {
        let site = self.site
        let configuration = LocalAPIConfiguration(
            port: 0, decisionWait: .zero, maxConnections: maxConnections, idleTimeout: idleTimeout,
            requestTimeout: requestTimeout)
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let api = LocalAPI(
            configuration: configuration, snapshot: { site.snapshot() }, sink: site, logger: Logger(label: "test"),
            onServerRunning: { announce.yield($0) })
        // The API as `busbar run` serves it: HummingbirdTesting's server drops the connection limit.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await api.run() }
            var announced = ports.makeAsyncIterator()
            let port = try #require(await announced.next())
            try await body(port)
            group.cancelAll()
        }
    }

    static let statusRequest = Array("GET /api/status HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)

    @Test func aConnectionThatSendsNothingIsClosedAtTheIdleTimeout() async throws {
        try await withAPI(idleTimeout: .milliseconds(300)) { port in
            let connection = try RawConnection(port: port)
            #expect(connection.receive(timeout: .seconds(10)) == nil)
        }
    }

    @Test func aRequestHeadSentAByteAtATimeIsClosedAtTheIdleTimeout() async throws {
        try await withAPI(idleTimeout: .milliseconds(300)) { port in
            let connection = try RawConnection(port: port)
            var closed = false
            for byte in Self.statusRequest.dropLast(2) {
                connection.send([byte])
                if connection.receive(timeout: .milliseconds(100)) == nil {
                    closed = true
                    break
                }
            }
            #expect(closed)
        }
    }

    @Test func aBodyThatTricklesInIsClosedAtTheRequestTimeout() async throws {
        try await withAPI(requestTimeout: .milliseconds(300)) { port in
            let connection = try RawConnection(port: port)
            let head = "POST /api/control-modes HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200\r\n\r\n"
            connection.send(Array(head.utf8))
            var closed = false
            // 200 bytes, one every 100 ms: 20 s if never closed; each byte is activity.
            for _ in 0..<200 {
                connection.send(Array(" ".utf8))
                if connection.receive(timeout: .milliseconds(100)) == nil {
                    closed = true
                    break
                }
            }
            #expect(closed)
        }
    }

    static func answered(_ connection: RawConnection, within timeout: Duration) -> Bool {
        connection.receive(timeout: timeout, expecting: 12).map { Array($0.prefix(12)) } == Array("HTTP/1.1 200".utf8)
    }

    /// Splits `clients` into those answered and those still waiting: the first may take up to
    /// `timeout`, the rest, once one is answered, a moment each.
    static func partition(_ clients: [RawConnection], timeout: Duration) -> (
        served: [RawConnection], waiting: [RawConnection]
    ) {
        var served: [RawConnection] = []
        var waiting: [RawConnection] = []
        for client in clients {
            if answered(client, within: served.isEmpty ? timeout : .milliseconds(200)) {
                served.append(client)
            } else {
                waiting.append(client)
            }
        }
        return (served, waiting)
    }

    @Test func atTheLimitNewClientsWaitUntilHeldConnectionsClose() async throws {
        try await withAPI(maxConnections: 2) { port in
            // Six clients ask one after the other; the served ones keep their connections open.
            // (Connections that arrive together are accepted together: the limit is checked
            // before each accept, not each connection.)
            var served: [RawConnection] = []
            var waiting: [RawConnection] = []
            for _ in 0..<6 {
                let client = try RawConnection(port: port)
                client.send(Self.statusRequest)
                if Self.answered(client, within: served.isEmpty ? .seconds(5) : .milliseconds(500)) {
                    served.append(client)
                } else {
                    waiting.append(client)
                }
            }
            #expect((1...2).contains(served.count), "\(served.count) of 6 served")
            // As served clients leave, the waiting ones are served in turn.
            while !waiting.isEmpty {
                served.removeAll()
                let next = Self.partition(waiting, timeout: .seconds(5))
                guard !next.served.isEmpty else { break }
                (served, waiting) = next
            }
            #expect(waiting.isEmpty, "\(waiting.count) never served")
            withExtendedLifetime(served) {}
        }
    }
}
