public import Logging
public import Modbus
public import SiteConfig
import Synchronization

/// The running gateway for one site: a worker thread per device endpoint, the controller, and
/// the upstream servers the masters talk to.
public final class Gateway: Sendable {
    public let controller: GatewayController
    public let site: LoadedSite
    private let workers: [EndpointWorker]
    private let servers = Mutex<[ModbusTCPServer]>([])
    let logger: Logger

    /// - Parameters:
    ///   - site: a site that passed `busbar check`.
    ///   - endpoints: where to reach devices instead of their site-file endpoint, by device id
    ///     (simulated devices on ports chosen at run time).
    ///   - timeouts: per request toward the devices.
    ///   - previous: the gateway this one replaces on a reload: its commands carry over.
    public init(
        site: LoadedSite, logger: Logger, endpoints: [String: Endpoint] = [:],
        timeouts: ModbusClient.Timeouts = .init(response: .milliseconds(500), byte: .milliseconds(200)),
        continuing previous: Gateway? = nil
    ) {
        self.site = site
        self.logger = logger
        let poll = site.site.pollInterval
        var runtimes: [DeviceRuntime] = []
        var byEndpoint: [(Endpoint, [DeviceRuntime])] = []
        for var config in site.site.devices {
            guard let map = site.map(for: config) else { continue }
            if let endpoint = endpoints[config.id] { config.endpoint = endpoint }
            let runtime = DeviceRuntime(config: config, map: map, pollInterval: poll, logger: logger)
            if let before = previous?.controller.device(config.id), before.config == config, before.map == map {
                runtime.inherit(from: before)
            }
            runtimes.append(runtime)
            if let index = byEndpoint.firstIndex(where: { $0.0 == config.endpoint }) {
                byEndpoint[index].1.append(runtime)
            } else {
                byEndpoint.append((config.endpoint, [runtime]))
            }
        }
        // New telemetry is taken up by the control loop's next step (within 250 ms); only commands
        // wake it at once, so 25 endpoints polling do not cause 25 decisions a second.
        let workers = byEndpoint.map { endpoint, devices in
            EndpointWorker(endpoint: endpoint, devices: devices, pollInterval: poll, timeouts: timeouts, logger: logger)
        }
        self.workers = workers
        controller = GatewayController(
            site: site.site, configuration: GatewayController.configuration(for: site.site, maps: site.maps),
            devices: runtimes, workers: Dictionary(workers.map { ($0.endpoint.description, $0) }) { first, _ in first },
            logger: logger, continuing: previous?.controller)
    }

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
        var started: [ModbusTCPServer] = []
        for (upstream, handler) in upstreams {
            let server = ModbusTCPServer(host: upstream.host, port: upstream.port, handler: handler)
            do {
                try server.start()
            } catch {
                for running in started { running.stop() }
                throw error
            }
            logger.notice(
                "serving upstream",
                metadata: [
                    "upstream.profile": "\(upstream.profile.rawValue)",
                    "upstream.listen": "\(upstream.host):\(server.port)",
                ])
            started.append(server)
        }
        servers.withLock { $0 += started }
    }

    /// Starts polling the devices and the control loop.
    public func startDevices() {
        for worker in workers { worker.start() }
        controller.start()
    }

    /// The ports the upstream servers listen on, in the order they were given to `start`.
    package var upstreamPorts: [Int] { servers.withLock { $0.map(\.port) } }

    /// Stops serving masters first, then control, then hands the devices back (their release
    /// recipes) and stops polling; harmless when already stopped.
    /// - Parameter handingBack: the devices to hand back, by id; all when `nil`.
    public func stop(handingBack: Set<String>? = nil) {
        stopListening()
        controller.stop()
        for worker in workers {
            worker.stop(handingBack: handingBack.map { ids in Set(worker.devices.map(\.id)).intersection(ids) })
        }
    }

    /// Closes every upstream listener and its connections.
    public func stopListening() {
        for server in servers.withLock({ servers in
            defer { servers = [] }
            return servers
        }) { server.stop() }
    }
}
