public import Gateway
import GatewayHTTP
import Journal
public import Logging
public import Modbus
public import ServiceLifecycle
public import SiteConfig

/// The running program for a loaded site, as one `ServiceGroup`: the device endpoints, the
/// control loop, the upstream listeners, the local API with the push client and the MQTT
/// bridge, what the caller adds, and the reload on SIGHUP. They start together, the devices
/// and the control loop only once everything toward the masters listens; a graceful shutdown
/// (SIGTERM or SIGINT) stops them in reverse order, ending with the devices' hand-back.
/// `busbar run`, `busbar demo` and the test fixtures all run a site through it.
public final class SiteServices: Sendable {
    public struct Options: Sendable {
        /// Addresses for profiles other than the site file's.
        public var listen: [UpstreamConfig.Profile: (host: String, port: Int)] = [:]
        /// The local API, push and MQTT to run instead of the site file's.
        public var api: APIServices.Settings?
        /// Where to reach devices instead of their site-file endpoint, by device id.
        public var endpoints: [String: Endpoint] = [:]
        /// Per request toward the devices.
        public var timeouts = Gateway.deviceTimeouts
        /// What the runtime is timed with (a test's `ManualRuntimeClock`).
        public var clock: any RuntimeClock = SystemRuntimeClock()
        /// The site file reloaded on SIGHUP (with `signals` that reload); no reload without one.
        public var reloadFrom: String?
        /// More services, started with the rest and stopped before them (a status printer),
        /// made for the gateway and given the start gate.
        public var extra: @Sendable (_ gateway: Gateway, _ started: Latch) -> [any Service] = { _, _ in [] }

        public init() {}
    }

    public let gateway: Gateway
    /// Opens once the devices and the control loop may start.
    public let started = Latch()
    private let group: ServiceGroup
    private let journal: JournalRecorder?
    private let signals: TrappedSignals?

    /// Binds every upstream listener, then makes the services; nothing touches a device before
    /// `run()`.
    /// - Parameters:
    ///   - routes: the metrics, journal and power history to serve (one per process); none
    ///     without.
    ///   - signals: what shuts the services down and reloads them; only `shutdown()` without.
    /// - Throws: `ModbusError` when a listen address cannot be bound, or what making the MQTT
    ///   bridge threw; nothing is left running.
    public init(
        site: LoadedSite, options: Options, routes: OperatorRoutes?, signals: TrappedSignals? = nil, logger: Logger
    ) throws {
        self.signals = signals
        let gateway = Gateway(
            site: site, logger: logger, endpoints: options.endpoints, timeouts: options.timeouts, clock: options.clock)
        self.gateway = gateway
        let operations = routes?.operations(for: gateway) ?? LocalAPIOperations()
        try gateway.listen(upstreams: gateway.upstreamHandlers(listen: options.listen))
        let started = self.started
        let journal = routes?.journal
        self.journal = journal
        let api: APIServices
        do {
            api = try APIServices(
                options.api ?? .init(site: site.site), controller: gateway.controller, operations: operations,
                logger: logger,
                onReady: {
                    started.open()
                    let devices = site.site.devices.count
                    journal?.lifecycle(.start, reason: "site \(site.site.name), \(devices) devices")
                    logger.notice("gateway running", metadata: ["site": "\(site.site.name)", "devices": "\(devices)"])
                })
        } catch {
            gateway.stopListening()
            throw error
        }
        let runtime = gateway.services(startingAfter: started)
        // Groups of their own for what a reload adds, so that it runs in its place in the order.
        let endpoints = ServiceGroup(
            configuration: .init(
                services: [.init(service: KeepOpen())]
                    + runtime.endpoints.map { .init(service: $0, successTerminationBehavior: .ignore) },
                logger: logger))
        let listeners = ServiceGroup(
            configuration: .init(
                services: [.init(service: KeepOpen())]
                    + runtime.listeners.map { .init(service: $0, successTerminationBehavior: .ignore) },
                logger: logger))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [endpoints, runtime.control, listeners, api]
            .map {
                .init(service: $0)
            }
        // An extra service may be done before the end (a printer with nothing more to print).
        services += options.extra(gateway, started).map { .init(service: $0, successTerminationBehavior: .ignore) }
        if let path = options.reloadFrom, let hangups = signals?.hangups {
            let reload = ReloadService(
                path: path, hangups: hangups, gateway: gateway, api: api, listen: options.listen, journal: journal,
                logger: logger, endpoints: endpoints, listeners: listeners)
            services.append(.init(service: reload))
        }
        group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
    }

    /// Runs every service until a graceful shutdown has stopped them all.
    /// - Throws: `APIServices.CannotListen` when the local API cannot be bound (no device was
    ///   touched), or what another service failed with.
    public func run() async throws {
        defer { journal?.lifecycle(.stop) }
        do {
            if let signals { try await signals.run(group) } else { try await group.run() }
        } catch {
            started.abandon()
            throw error
        }
    }

    /// Asks every service to stop, in reverse order; `run()` returns once they have.
    public func shutdown() async { await group.triggerGracefulShutdown() }
}

/// Keeps a group of endpoints or listeners running while a reload has retired all of its
/// services and is about to add new ones.
private struct KeepOpen: Service {
    func run() async throws { try await gracefulShutdown() }
}
