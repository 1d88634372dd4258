import Foundation
import Glibc
import Synchronization

/// A Modbus/TCP server for many masters at once: one thread accepts, and every connection is
/// served on a thread of its own, so a slow or silent master only ever holds its own
/// connection. Requests reach `handler` checked and decoded.
///
/// It cannot be locked out: a connection from outside the access policy's networks is closed at
/// accept; at the connection limit the least recently active connection is closed to admit the
/// new one (squatters give way to masters); a connection idle for the idle timeout, or one whose
/// frame takes longer than the frame timeout to arrive, is closed.
public final class ModbusTCPServer: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// At this many open connections, the least recently active one is closed for a new one.
        public var maxConnections: Int
        /// A connection that sends nothing for this long is closed.
        public var idleTimeout: Duration
        /// A frame whose next byte takes longer than this is dropped with its connection.
        public var byteTimeout: Duration
        /// A frame that takes longer than this from its first byte to its last is dropped with its
        /// connection (a master that sends one byte at a time never holds a connection).
        public var frameTimeout: Duration
        /// Who may connect, and who may write.
        public var access: AccessPolicy

        public init(
            maxConnections: Int = 32, idleTimeout: Duration = .seconds(60), byteTimeout: Duration = .milliseconds(500),
            frameTimeout: Duration = .seconds(2), access: AccessPolicy = .open
        ) {
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.byteTimeout = byteTimeout
            self.frameTimeout = frameTimeout
            self.access = access
        }
    }

    /// What the server refused or shed since it started.
    public struct Statistics: Sendable, Hashable {
        /// Connections closed at accept: from outside the allowed networks.
        public var refusedConnections = 0
        /// Writes from read-only clients, answered 0x01.
        public var refusedWrites = 0
        /// Connections closed to admit a new one at the limit.
        public var evictedConnections = 0
        /// Connections open now.
        public var openConnections = 0
    }

    /// A refusal, for the log: what was refused and the client's address.
    public struct Refusal: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case connection, write
        }
        public var kind: Kind
        public var client: String
    }

    private struct Tracked {
        var peer: [UInt8]
        var lastActivity: ContinuousClock.Instant
    }

    private struct State {
        var listener: Int32 = -1
        var stopping = false
        var connections: [Int32: Tracked] = [:]
        var configuration: Configuration
        var statistics = Statistics()
    }

    public let host: String
    private let requestedPort: Int
    private let handler: any ModbusRequestHandler
    private let state: Mutex<State>
    private let boundPort = Mutex(0)
    private let threads = DispatchGroup()
    private let onRefusal: (@Sendable (Refusal) -> Void)?

    /// - Parameters:
    ///   - host: the address to listen on (`127.0.0.1`, `0.0.0.0`, `::`).
    ///   - port: the port; 0 picks a free one, readable from `port` after `start()`.
    ///   - onRefusal: told of every refused connection and write (on a server thread).
    public init(
        host: String, port: Int, handler: any ModbusRequestHandler, configuration: Configuration = .init(),
        onRefusal: (@Sendable (Refusal) -> Void)? = nil
    ) {
        self.host = host
        self.requestedPort = port
        self.handler = handler
        self.state = Mutex(State(configuration: configuration))
        self.onRefusal = onRefusal
    }

    /// What was refused or shed so far, and the connections open now.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.openConnections = state.connections.count
            return statistics
        }
    }

    /// Applies `configuration` from the next connection on (a reload); the limits and the
    /// access policy of open connections stay as they were accepted.
    public func update(_ configuration: Configuration) {
        state.withLock { $0.configuration = configuration }
    }

    /// The port the server listens on (the one chosen by the system when asked for 0).
    public var port: Int { boundPort.withLock { $0 } }

    /// Binds and starts accepting on a thread of its own.
    /// - Throws: `ModbusError` when the address cannot be resolved or bound.
    public func start() throws(ModbusError) {
        let socket = try Listener.open(host: host, port: requestedPort)
        boundPort.withLock { $0 = socket.port }
        state.withLock { $0.listener = socket.descriptor }
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop(listener: socket.descriptor)
            threads.leave()
        }
    }

    /// Stops accepting, closes every connection, and returns once all server threads have ended.
    public func stop() {
        state.withLock { state in
            guard !state.stopping else { return }
            state.stopping = true
            shutdown(state.listener, Int32(SHUT_RDWR))
            for connection in state.connections.keys { shutdown(connection, Int32(SHUT_RDWR)) }
        }
        threads.wait()
    }

    /// Closes every open connection and keeps listening: the masters connect again (when what
    /// they talk to behind this address changed).
    public func dropConnections() {
        state.withLock { state in
            for connection in state.connections.keys { shutdown(connection, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop(listener: Int32) {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if state.withLock({ $0.stopping }) { return }
                if errno == EMFILE || errno == ENFILE {
                    usleep(100_000)  // out of descriptors: back off rather than spin
                    continue
                }
                return
            }
            let peer = Self.peerAddress(of: client)
            let admission = state.withLock { state -> (role: AccessPolicy.Role, configuration: Configuration)? in
                guard !state.stopping, let role = state.configuration.access.role(for: peer) else {
                    if !state.stopping { state.statistics.refusedConnections += 1 }
                    return nil
                }
                if state.connections.count >= state.configuration.maxConnections,
                    let oldest = state.connections.min(by: { $0.value.lastActivity < $1.value.lastActivity })
                {
                    shutdown(oldest.key, Int32(SHUT_RDWR))
                    state.connections[oldest.key] = nil
                    state.statistics.evictedConnections += 1
                }
                state.connections[client] = Tracked(peer: peer, lastActivity: .now)
                return (role, state.configuration)
            }
            guard let admission else {
                close(client)
                onRefusal?(Refusal(kind: .connection, client: Self.describe(peer)))
                continue
            }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(client, peer: peer, role: admission.role, configuration: admission.configuration)
                threads.leave()
            }
        }
    }

    private func serve(_ client: Int32, peer: [UInt8], role: AccessPolicy.Role, configuration: Configuration) {
        let connection = ServerConnection(
            socket: client, handler: handler, role: role, idleTimeout: configuration.idleTimeout,
            byteTimeout: configuration.byteTimeout, frameTimeout: configuration.frameTimeout,
            maxReadRegisters: min(max(1, handler.maxReadRegisters), ModbusLimits.maxExtendedReadRegisters),
            onFrame: { [self] in
                state.withLock { $0.connections[client]?.lastActivity = .now }
            },
            onRefusedWrite: { [self] in
                state.withLock { $0.statistics.refusedWrites += 1 }
                onRefusal?(Refusal(kind: .write, client: Self.describe(peer)))
            })
        connection.serve()
        // Forget the descriptor before it is closed (when `connection` is freed), so neither
        // `stop()` nor an eviction ever shuts down a reused number.
        // (An evicted connection is forgotten already; its number stays taken until it is closed.)
        state.withLock { _ = $0.connections.removeValue(forKey: client) }
        withExtendedLifetime(connection) {}
    }

    /// The bytes of the client's address (4 for IPv4, 16 for IPv6); empty when unknown.
    private static func peerAddress(of socket: Int32) -> [UInt8] {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(socket, $0, &length) }
        }
        guard found == 0 else { return [] }
        return withUnsafePointer(to: &address) { pointer -> [UInt8] in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin6_addr) { NetworkRange.unmapped(Array($0)) }
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
            }
        }
    }

    private static func describe(_ peer: [UInt8]) -> String {
        peer.isEmpty ? "unknown" : NetworkRange(bytes: peer).description
    }
}
