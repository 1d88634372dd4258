import Foundation
import Glibc
import Synchronization

/// A Modbus/TCP server for many masters at once: one thread accepts, and every connection is
/// served on a thread of its own with its own libmodbus context, so a slow or silent master only
/// ever holds its own connection. Requests reach `handler` checked and decoded.
public final class ModbusTCPServer: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Connections beyond this are closed as soon as they are accepted.
        package var maxConnections: Int
        /// A connection that sends nothing for this long is closed.
        public var idleTimeout: Duration
        /// A frame whose next byte takes longer than this is dropped with its connection.
        public var byteTimeout: Duration

        public init(
            maxConnections: Int = 32, idleTimeout: Duration = .seconds(60), byteTimeout: Duration = .milliseconds(500)
        ) {
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.byteTimeout = byteTimeout
        }
    }

    private struct State {
        var listener: Int32 = -1
        var stopping = false
        var connections: Set<Int32> = []
    }

    public let host: String
    private let requestedPort: Int
    private let handler: any ModbusRequestHandler
    private let configuration: Configuration
    private let state = Mutex(State())
    private let boundPort = Mutex(0)
    private let threads = DispatchGroup()

    /// - Parameters:
    ///   - host: the address to listen on (`127.0.0.1`, `0.0.0.0`, `::`).
    ///   - port: the port; 0 picks a free one, readable from `port` after `start()`.
    public init(
        host: String, port: Int, handler: any ModbusRequestHandler, configuration: Configuration = .init()
    ) {
        self.host = host
        self.requestedPort = port
        self.handler = handler
        self.configuration = configuration
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
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
        }
        threads.wait()
    }

    /// Closes every open connection and keeps listening: the masters connect again (when what
    /// they talk to behind this address changed).
    public func dropConnections() {
        state.withLock { state in
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
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
            let admitted = state.withLock { state -> Bool in
                guard !state.stopping, state.connections.count < configuration.maxConnections else { return false }
                state.connections.insert(client)
                return true
            }
            guard admitted else {
                close(client)
                continue
            }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(client)
                threads.leave()
            }
        }
    }

    private func serve(_ client: Int32) {
        let connection = ServerConnection(
            socket: client, handler: handler, idleTimeout: configuration.idleTimeout,
            byteTimeout: configuration.byteTimeout,
            maxReadRegisters: min(max(1, handler.maxReadRegisters), ModbusLimits.maxExtendedReadRegisters))
        connection?.serve()
        // Forget the descriptor before it is closed, so `stop()` never shuts down a reused number.
        state.withLock { _ = $0.connections.remove(client) }
        if connection == nil { close(client) }
    }
}
