public import Logging
public import Modbus
public import ServiceLifecycle
public import SiteConfig
import Synchronization

/// The running gateway of a site: a worker thread per device endpoint, the controller, and the
/// upstream listeners the masters talk to. It lives as long as the process; a reload applies a
/// new site file to it in place.
public final class Gateway: Sendable {
    public let controller: GatewayController
    let logger: Logger
    private let endpoints: [String: Endpoint]
    private let timeouts: ModbusClient.Timeouts
    /// What the runtime is timed with.
    public let clock: any RuntimeClock
    let state: Mutex<State>

    struct State {
        var site: LoadedSite
        var workers: [EndpointWorker]
        var listeners: [UpstreamListener] = []
        var devicesStarted = false
        /// The start gate, once the gateway runs as services (`services(startingAfter:)`).
        var gate: Latch?
    }

    /// - Parameters:
    ///   - site: a site that passed `busbar check`.
    ///   - endpoints: where to reach devices instead of their site-file endpoint, by device id
    ///     (simulated devices on ports chosen at run time); they hold for reloads too.
    ///   - timeouts: per request toward the devices.
    ///   - clock: what the polls, writes, heartbeats, watchdogs and schedules are timed with.
    public init(
        site: LoadedSite, logger: Logger, endpoints: [String: Endpoint] = [:],
        timeouts: ModbusClient.Timeouts = Gateway.deviceTimeouts,
        clock: any RuntimeClock = SystemRuntimeClock()
    ) {
        self.logger = logger
        self.endpoints = endpoints
        self.timeouts = timeouts
        self.clock = clock
        let wiring = SiteWiring(site: site, endpoints: endpoints, logger: logger)
        let workers = wiring.groups.map { endpoint, devices in
            EndpointWorker(
                endpoint: endpoint, devices: devices, timeouts: timeouts, clock: clock, logger: logger)
        }
        state = Mutex(State(site: site, workers: workers))
        // New telemetry is taken up by the control loop's next step (within 250 ms); only commands
        // wake it at once, so 25 endpoints polling do not cause 25 decisions a second.
        controller = GatewayController(
            site: site.site, configuration: GatewayController.configuration(for: site.site, maps: site.maps),
            devices: wiring.devices, workers: Self.byEndpoint(workers), clock: clock, logger: logger)
        let controller = self.controller
        for worker in workers { worker.onMeterReading { controller.requestDecision() } }
    }

    /// Per request toward the devices, unless a caller says otherwise.
    public static let deviceTimeouts = ModbusClient.Timeouts(response: .milliseconds(500), byte: .milliseconds(200))

    /// The site in force.
    public var site: LoadedSite { state.withLock { $0.site } }

    /// Serves each upstream with the handler made for it, then starts polling and control: a
    /// gateway that cannot listen never talks to a device (a second instance of a running site
    /// must not touch the first one's devices).
    /// - Throws: `ModbusError` when a listen address cannot be bound (nothing is left running).
    public func start(upstreams: [(UpstreamConfig, any ModbusRequestHandler)]) throws(ModbusError) {
        try listen(upstreams: upstreams)
        startDevices()
    }

    /// Binds and serves every upstream; on the first that cannot be bound, stops those already
    /// started and throws.
    public func listen(upstreams: [(UpstreamConfig, any ModbusRequestHandler)]) throws(ModbusError) {
        let started = try open(upstreams)
        state.withLock { $0.listeners += started }
    }

    /// Starts polling the devices and the control loop.
    public func startDevices() {
        let workers = state.withLock { state in
            state.devicesStarted = true
            return state.workers
        }
        for worker in workers { worker.start() }
        controller.start()
    }

    /// The ports the upstream listeners listen on, in the order they were given to `start`.
    package var upstreamPorts: [Int] { state.withLock { $0.listeners.map(\.port) } }

    /// Each upstream listener's profile and what it refused, shed and holds open, for the metrics.
    public var upstreamStatistics: [(profile: String, statistics: ModbusTCPServer.Statistics)] {
        state.withLock { $0.listeners }.map { ($0.upstream.profile.rawValue, $0.statistics) }
    }

    /// Stops serving masters first, then control, then hands the devices back (their release
    /// recipes) and stops polling; harmless when already stopped.
    /// - Parameter handingBack: the devices to hand back, by id; all when `nil`.
    public func stop(handingBack: Set<String>? = nil) {
        stopListening()
        controller.stop()
        for worker in state.withLock({ $0.workers }) {
            worker.stop(handingBack: handingBack.map { ids in Set(worker.devices.map(\.id)).intersection(ids) })
        }
    }

    /// Closes every upstream listener and its connections.
    public func stopListening() {
        for listener in state.withLock({ state in
            defer { state.listeners = [] }
            return state.listeners
        }) { listener.stop() }
    }

    /// Binds every upstream in order; on the first that cannot be bound, stops those it started.
    private func open(_ upstreams: [(UpstreamConfig, any ModbusRequestHandler)]) throws(ModbusError)
        -> [UpstreamListener]
    {
        var started: [UpstreamListener] = []
        for (upstream, handler) in upstreams {
            let listener = UpstreamListener(upstream, handler: handler, logger: logger)
            do {
                try listener.start()
            } catch {
                for running in started { running.stop() }
                throw error
            }
            logger.notice(
                "serving upstream",
                metadata: [
                    "upstream.profile": "\(upstream.profile.rawValue)",
                    "upstream.listen": "\(upstream.host):\(listener.port)",
                ])
            started.append(listener)
        }
        return started
    }

    static func byEndpoint(_ workers: [EndpointWorker]) -> [String: EndpointWorker] {
        Dictionary(workers.map { ($0.endpoint.description, $0) }) { first, _ in first }
    }
}

extension Gateway {
    /// What a reload changed.
    public struct ReloadReport: Sendable {
        /// The devices handed back: gone from the site file, or now reached at another endpoint,
        /// with another unit id, configuration or map.
        public var handedBack: [String]
        /// Device endpoints whose connection stayed open, and those opened anew.
        public var keptEndpoints: Int
        public var openedEndpoints: Int
        /// Upstream listeners that kept listening (and their masters' connections), and those
        /// opened anew.
        public var keptListeners: Int
        public var openedListeners: Int
        /// When the gateway runs as services: those of the endpoints and of the listeners the
        /// reload opened, for the program's service groups to run.
        public var newEndpoints: [any Service] = []
        public var newListeners: [any Service] = []
    }

    /// A reload whose new listen addresses are bound, ready to be applied (`apply(_:)`) or
    /// abandoned (`abandon(_:)`); until then the running site continues untouched.
    public struct PreparedReload: Sendable {
        let site: LoadedSite
        let reused: [(UpstreamListener, UpstreamConfig, any ModbusRequestHandler)]
        let opened: [UpstreamListener]
    }

    /// Applies a reloaded site in place (`prepareReload`, then `prepare`, then `apply`).
    /// - Parameters:
    ///   - listen: other addresses for profiles than the site file's (as `upstreamHandlers`).
    ///   - prepare: runs once the new listeners are bound and before anything is applied; a
    ///     throw rejects the reload.
    /// - Throws: `ModbusError` when a new listen address cannot be bound, or what `prepare` threw.
    public func reload(
        to site: LoadedSite, listen overrides: [UpstreamConfig.Profile: (host: String, port: Int)] = [:],
        prepare: () throws -> Void = {}
    ) throws -> ReloadReport {
        let prepared = try prepareReload(to: site, listen: overrides)
        do { try prepare() } catch {
            abandon(prepared)
            throw error
        }
        return apply(prepared)
    }

    /// The first step of a reload, the only one that can fail: binds the listen addresses the
    /// reloaded site adds, and changes nothing else.
    /// - Throws: `ModbusError` when a new listen address cannot be bound (nothing is left open).
    public func prepareReload(
        to site: LoadedSite, listen overrides: [UpstreamConfig.Profile: (host: String, port: Int)] = [:]
    ) throws(ModbusError) -> PreparedReload {
        let listeners = state.withLock { $0.listeners }
        var reused: [(UpstreamListener, UpstreamConfig, any ModbusRequestHandler)] = []
        var fresh: [(UpstreamConfig, any ModbusRequestHandler)] = []
        for (upstream, handler) in upstreamHandlers(for: site, listen: overrides) {
            if let listener = listeners.first(where: { $0.listens(like: upstream) }) {
                reused.append((listener, upstream, handler))
            } else {
                fresh.append((upstream, handler))
            }
        }
        return PreparedReload(site: site, reused: reused, opened: try open(fresh))
    }

    /// Closes what `prepareReload` opened: the reload is rejected.
    public func abandon(_ prepared: PreparedReload) {
        for listener in prepared.opened { listener.stop() }
    }

    /// Applies a prepared reload: the commands in force stay (`ControlCore.reconfigure` drops
    /// and logs what the new site cannot hold), connections to unchanged endpoints and
    /// listeners of unchanged addresses stay open, and devices that are gone or changed are
    /// handed back. Blocks until the endpoint threads have taken their new devices over.
    public func apply(_ prepared: PreparedReload) -> ReloadReport {
        let before = state.withLock { $0 }
        let (site, reused, opened) = (prepared.site, prepared.reused, prepared.opened)
        for (listener, upstream, handler) in reused { listener.serve(upstream, with: handler) }
        for listener in before.listeners where !reused.contains(where: { $0.0 === listener }) { listener.stop() }

        let wiring = SiteWiring(site: site, endpoints: endpoints, logger: logger)
        let previous = before.workers.flatMap(\.devices)
        let kept = Set(
            wiring.devices.filter { device in
                previous.contains { $0.id == device.id && $0.config == device.config && $0.map == device.map }
            }.map(\.id))
        let handedBack = Set(previous.map(\.id)).subtracting(kept)
        // Endpoints no longer used hand their devices back and close; the others take the new
        // devices over their open connection.
        var workers: [EndpointWorker] = []
        var started: [EndpointWorker] = []
        for worker in before.workers where !wiring.groups.contains(where: { $0.0 == worker.endpoint }) {
            worker.stop(handingBack: handedBack)
        }
        for (endpoint, devices) in wiring.groups {
            if let worker = before.workers.first(where: { $0.endpoint == endpoint }) {
                worker.adopt(devices, handingBack: handedBack)
                workers.append(worker)
            } else {
                let worker = EndpointWorker(
                    endpoint: endpoint, devices: devices, timeouts: timeouts, clock: clock, logger: logger)
                let controller = self.controller
                worker.onMeterReading { controller.requestDecision() }
                workers.append(worker)
                started.append(worker)
            }
        }
        controller.reconfigure(
            site: site.site, configuration: GatewayController.configuration(for: site.site, maps: site.maps),
            devices: wiring.devices, workers: Self.byEndpoint(workers))
        if before.devicesStarted { for worker in started { worker.start() } }
        let newEndpoints: [any Service] =
            before.gate.map { gate in started.map { ThreadService(loop: $0, gate: gate) } } ?? []
        let newListeners: [any Service] = before.gate == nil ? [] : opened.map(UpstreamListenerService.init(listener:))
        state.withLock { state in
            state.site = site
            state.workers = workers
            state.listeners = reused.map(\.0) + opened
        }
        return ReloadReport(
            handedBack: handedBack.sorted(), keptEndpoints: workers.count - started.count,
            openedEndpoints: started.count, keptListeners: reused.count, openedListeners: opened.count,
            newEndpoints: newEndpoints, newListeners: newListeners)
    }
}
