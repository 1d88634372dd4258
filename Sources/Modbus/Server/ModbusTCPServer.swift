// The socket structures belong to CNIOLinux once NIO is linked into the module.
import CNIOLinux
import Glibc
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import Synchronization

/// A Modbus/TCP server for many masters at once, on SwiftNIO's event loops: no thread per
/// connection, so a thousand held connections cost little memory and no master's latency.
/// Each connection's bytes are framed by `MBAPFrameDecoder`, and its requests reach `handler`
/// checked and decoded, in order, on the connection's event loop (a handler must not block).
///
/// It cannot be locked out: a connection from outside the access policy's networks is closed at
/// accept; at the connection limit the least recently active connection is closed to admit the
/// new one (squatters give way to masters); a connection idle for the idle timeout, or one whose
/// frame takes longer than the frame timeout to arrive, is closed.
///
/// It stops gracefully (NIO's `ServerQuiescingHelper`): it stops accepting, every request read
/// so far is answered, and then each connection closes.
///
/// With `security` it speaks Modbus/TCP Security: TLS 1.2 or later with mutual authentication,
/// each client's role taken from its certificate (`ModbusSecurity`); the access policy's networks
/// and roles still apply, and a certificate's role can only narrow what the network allows.
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
        /// TLS with client certificates and their roles; nil for plain Modbus/TCP.
        public var security: ModbusSecurity?
        /// A TLS handshake not done within this closes its connection.
        public var handshakeTimeout: Duration

        public init(
            maxConnections: Int = 32, idleTimeout: Duration = .seconds(60), byteTimeout: Duration = .milliseconds(500),
            frameTimeout: Duration = .seconds(2), access: AccessPolicy = .open, security: ModbusSecurity? = nil,
            handshakeTimeout: Duration = .seconds(10)
        ) {
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.byteTimeout = byteTimeout
            self.frameTimeout = frameTimeout
            self.access = access
            self.security = security
            self.handshakeTimeout = handshakeTimeout
        }
    }

    /// What the server refused or shed since it started.
    public struct Statistics: Sendable, Hashable {
        /// Connections closed at accept: from outside the allowed networks.
        public var refusedConnections = 0
        /// Writes refused: from read-only clients (answered 0x01), or to registers outside the
        /// writable groups (answered 0x02).
        public var refusedWrites = 0
        /// TLS connections closed at the handshake: no client certificate, one from another CA,
        /// or a handshake not done in time.
        public var refusedHandshakes = 0
        /// Connections closed to admit a new one at the limit.
        public var evictedConnections = 0
        /// Connections open now.
        public var openConnections = 0
    }

    /// A refusal, for the log: what was refused and the client's address.
    public struct Refusal: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            /// Outside the allowed networks; a read-only client's write; a write outside the
            /// writable registers; a TLS handshake that failed.
            case connection, write, unwritable, handshake
        }
        public var kind: Kind
        public var client: String
    }

    private struct Tracked {
        var channel: any Channel
        var lastActivity: ContinuousClock.Instant
    }

    private struct State {
        var server: (any Channel)?
        var quiescing: ServerQuiescingHelper?
        var stopping = false
        var connections: [ObjectIdentifier: Tracked] = [:]
        var configuration: Configuration
        var statistics = Statistics()
    }

    public let host: String
    private let requestedPort: Int
    private let handler: any ModbusRequestHandler
    private let state: Mutex<State>
    private let boundPort = Mutex(0)
    private let onRefusal: (@Sendable (Refusal) -> Void)?

    /// - Parameters:
    ///   - host: the address to listen on (`127.0.0.1`, `0.0.0.0`, `::`).
    ///   - port: the port; 0 picks a free one, readable from `port` after `start()`.
    ///   - onRefusal: told of every refused connection and write (on an event loop).
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

    /// Binds and starts accepting.
    /// - Throws: `ModbusError` when the address cannot be resolved or bound.
    public func start() throws(ModbusError) {
        let socket = try Listener.open(host: host, port: requestedPort)
        // One event loop accepts and serves: connections are admitted, and so ranked for
        // eviction, in the order they were accepted.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let quiescing = ServerQuiescingHelper(group: loop)
        let bootstrap = ServerBootstrap(group: loop, childGroup: loop)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in admit(channel) }
        do {
            let server = try bootstrap.withBoundSocket(socket.descriptor).wait()
            boundPort.withLock { $0 = socket.port }
            state.withLock { state in
                state.server = server
                state.quiescing = quiescing
            }
        } catch {
            let operation = "listen on \(Endpoint.tcp(host: host, port: requestedPort))"
            throw ModbusContext.error(errno: (error as? IOError)?.errnoCode ?? EIO, operation: operation)
        }
    }

    /// Stops accepting, lets every connection answer the requests it has read and close, and
    /// returns once all of them are closed. A connection that has not closed after
    /// `quiescingTimeout` (a master that reads nothing, so its answers cannot be sent) is closed.
    public func stop(quiescingTimeout: Duration = .seconds(2)) {
        let stopping = state.withLock { state -> (server: any Channel, quiescing: ServerQuiescingHelper)? in
            guard !state.stopping else { return nil }
            state.stopping = true
            guard let server = state.server, let quiescing = state.quiescing else { return nil }
            return (server, quiescing)
        }
        guard let stopping else { return }
        let (server, quiescing) = stopping
        let done = server.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: done)
        let overdue = server.eventLoop.scheduleTask(in: TimeAmount(quiescingTimeout)) { [self] in
            for channel in state.withLock({ $0.connections.values.map(\.channel) }) { channel.close(promise: nil) }
        }
        try? done.futureResult.wait()
        overdue.cancel()
    }

    /// Closes every open connection and keeps listening: the masters connect again (when what
    /// they talk to behind this address changed).
    public func dropConnections() {
        let open = state.withLock { $0.connections.values.map(\.channel) }
        for channel in open { channel.close(promise: nil) }
    }

    /// Admits a new connection under the access policy and the connection limit, or closes it.
    private func admit(_ channel: any Channel) -> EventLoopFuture<Void> {
        let peer = Self.peerAddress(of: channel.remoteAddress)
        let id = ObjectIdentifier(channel)
        let admission = state.withLock { state -> (role: AccessPolicy.Role, configuration: Configuration)? in
            guard !state.stopping, let role = state.configuration.access.role(for: peer) else {
                if !state.stopping { state.statistics.refusedConnections += 1 }
                return nil
            }
            if state.connections.count >= state.configuration.maxConnections,
                let oldest = state.connections.min(by: { $0.value.lastActivity < $1.value.lastActivity })
            {
                oldest.value.channel.close(promise: nil)
                state.connections[oldest.key] = nil
                state.statistics.evictedConnections += 1
            }
            state.connections[id] = Tracked(channel: channel, lastActivity: .now)
            return (role, state.configuration)
        }
        guard let admission else {
            onRefusal?(Refusal(kind: .connection, client: Self.describe(peer)))
            return channel.close()
        }
        // An evicted connection is forgotten already; the channel stays alive until it has closed,
        // so no newer connection has its identifier yet.
        channel.closeFuture.whenComplete { [self] _ in
            state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
        let configuration = admission.configuration
        let client = Self.describe(peer)
        let address = Self.describe(peer, port: channel.remoteAddress?.port)
        return channel.eventLoop.makeCompletedFuture {
            let idle: any ChannelHandler = IdleStateHandler(readTimeout: TimeAmount(configuration.idleTimeout))
            guard let security = configuration.security else {
                try channel.pipeline.syncOperations.addHandlers(
                    [idle] + modbusHandlers(role: admission.role, configuration: configuration, id: id, client: client, address: address))
                return
            }
            let gate = ModbusSecurityGate(
                security: security, networkRole: admission.role,
                handshakeTimeout: TimeAmount(configuration.handshakeTimeout),
                onRefused: { [self] in
                    state.withLock { $0.statistics.refusedHandshakes += 1 }
                    onRefusal?(Refusal(kind: .handshake, client: client))
                },
                modbusHandlers: { [self] role in
                    modbusHandlers(role: role, configuration: configuration, id: id, client: client, address: address)
                })
            try channel.pipeline.syncOperations.addHandlers([
                idle, NIOSSLServerHandler(context: security.context), gate,
            ])
        }
    }

    /// The handlers that frame and answer a connection's requests for a client with `role`.
    private func modbusHandlers(
        role: AccessPolicy.Role, configuration: Configuration, id: ObjectIdentifier, client: String, address: String
    ) -> [any ChannelHandler] {
        let responder = ModbusFrameResponder(
            handler: handler, role: role, access: configuration.access,
            maxReadRegisters: min(max(1, handler.maxReadRegisters), ModbusLimits.maxExtendedReadRegisters),
            onRefusedWrite: { [self] kind in
                state.withLock { $0.statistics.refusedWrites += 1 }
                onRefusal?(Refusal(kind: kind, client: client))
            }, client: address)
        return [
            ByteToMessageHandler(
                MBAPFrameDecoder(
                    byteTimeout: TimeAmount(configuration.byteTimeout),
                    frameTimeout: TimeAmount(configuration.frameTimeout))),
            ModbusConnectionHandler(
                responder: responder,
                onFrame: { [self] in state.withLock { $0.connections[id]?.lastActivity = .now } }),
        ]
    }

    /// The bytes of the client's address (4 for IPv4, 16 for IPv6); empty when unknown.
    private static func peerAddress(of address: SocketAddress?) -> [UInt8] {
        switch address {
        case .v4(let address)?:
            return withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
        case .v6(let address)?:
            return withUnsafeBytes(of: address.address.sin6_addr) { NetworkRange.unmapped(Array($0)) }
        default:
            return []
        }
    }

    private static func describe(_ peer: [UInt8]) -> String {
        peer.isEmpty ? "unknown" : NetworkRange(bytes: peer).description
    }

    /// `192.0.2.7:50123`, `[2001:db8::7]:50123`: the client's address with its port.
    private static func describe(_ peer: [UInt8], port: Int?) -> String {
        let address = describe(peer)
        guard let port else { return address }
        return peer.count == 16 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
