import Logging
import Modbus
import SiteConfig
import Synchronization

/// One upstream the masters talk to: a Modbus/TCP server and the profile handler it passes
/// requests to. A reload hands it the reloaded site's handler without closing the listener; the
/// masters' connections stay open unless the profile or unit id they talk to changed.
final class UpstreamListener: Sendable {
    private let server: ModbusTCPServer
    private let slot: HandlerSlot
    private let served: Mutex<UpstreamConfig>

    /// - Parameter logger: where refused connections and writes are logged, once per client and
    ///   minute with the client's address.
    init(_ upstream: UpstreamConfig, handler: any ModbusRequestHandler, logger: Logger) {
        slot = HandlerSlot(handler, profile: upstream.profile.rawValue)
        served = Mutex(upstream)
        let limiter = RefusalLog(logger: logger, profile: upstream.profile.rawValue)
        server = ModbusTCPServer(
            host: upstream.host, port: upstream.port, handler: slot, configuration: upstream.serverConfiguration,
            onRefusal: { limiter.note($0) })
    }

    /// What the listener refused or shed.
    var statistics: ModbusTCPServer.Statistics { server.statistics }

    /// What it serves: the profile, its unit id, and the address asked for in the site file.
    var upstream: UpstreamConfig { served.withLock { $0 } }

    /// The port it listens on (the one the system chose when the site file asked for 0).
    var port: Int { server.port }

    /// Whether this listener is the one a site file's upstream asks for (same address).
    func listens(like upstream: UpstreamConfig) -> Bool {
        let current = self.upstream
        return current.host == upstream.host && current.port == upstream.port
    }

    /// - Throws: `ModbusError` when the address cannot be bound.
    func start() throws(ModbusError) { try server.start() }

    /// Serves `upstream` with `handler` from the next request on; closes the open connections
    /// when their masters would otherwise find another profile or unit id on them.
    func serve(_ upstream: UpstreamConfig, with handler: any ModbusRequestHandler) {
        let before = served.withLock { served in
            defer { served = upstream }
            return served
        }
        slot.serve(handler, profile: upstream.profile.rawValue)
        server.update(upstream.serverConfiguration)
        // Masters that would find another profile, unit id, access rule or TLS setting behind the
        // address connect again.
        if before.profile != upstream.profile || before.unit != upstream.unit || before.access != upstream.access
            || before.security != upstream.security
        {
            server.dropConnections()
        }
    }

    /// Opens when `stop()` is called (by a reload or the listener's service).
    let closing = Latch()

    /// Closes the listener and its connections; harmless when already closed.
    func stop() {
        closing.open()
        server.stop()
    }
}

/// The handler a server holds for the whole life of its listener; it passes each request to the
/// handler of the site in force, and counts it by the profile served.
private final class HandlerSlot: ModbusRequestHandler {
    private let current: Mutex<(handler: any ModbusRequestHandler, profile: String)>

    init(_ handler: any ModbusRequestHandler, profile: String) { current = Mutex((handler, profile)) }

    var handler: any ModbusRequestHandler { current.withLock { $0.handler } }

    func serve(_ handler: any ModbusRequestHandler, profile: String) { current.withLock { $0 = (handler, profile) } }

    func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        let (handler, profile) = current.withLock { $0 }
        let response = handler.handle(request, unit: unit)
        RuntimeMetrics.served(profile: profile, function: request.functionCode, response: response)
        return response
    }

    var maxReadRegisters: Int { handler.maxReadRegisters }
}

/// Logs refusals once per client, kind and minute, so a scanning client cannot flood the log.
private final class RefusalLog: Sendable {
    private let logger: Logger
    private let profile: String
    private let lastLogged = Mutex<[ModbusTCPServer.Refusal: ContinuousClock.Instant]>([:])

    init(logger: Logger, profile: String) {
        self.logger = logger
        self.profile = profile
    }

    func note(_ refusal: ModbusTCPServer.Refusal) {
        RuntimeMetrics.refused(profile: profile, kind: refusal.kind)
        let now = ContinuousClock.now
        let due = lastLogged.withLock { logged -> Bool in
            if let last = logged[refusal], now - last < .seconds(60) { return false }
            if logged.count > 1_000 { logged = logged.filter { now - $0.value < .seconds(60) } }
            logged[refusal] = now
            return true
        }
        guard due else { return }
        let message: Logger.Message =
            switch refusal.kind {
            case .connection: "connection refused: not an allowed network"
            case .write: "write refused: read-only client"
            case .unwritable: "write refused: not a writable group"
            case .handshake: "connection refused: TLS handshake failed (no client certificate, or not from the CA)"
            }
        logger.warning(message, metadata: ["upstream.profile": "\(profile)", "client": "\(refusal.client)"])
    }
}
