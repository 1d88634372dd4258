import Control
public import Gateway
public import GatewayHTTP
import GatewayMQTT
import GatewayState
public import Logging
public import ServiceLifecycle
public import SiteConfig
import Synchronization

/// The local JSON API, the cloud push client, the MQTT bridge and the status page's power
/// history recorder of a site, as one service of the program. They do no blocking I/O. A reload
/// with other settings replaces them (`replace(with:)`); one with equal settings keeps them
/// running, with the push client's rate limit and their connections.
public final class APIServices: Service, Sendable {
    /// What the services are made from.
    public struct Settings: Hashable, Sendable {
        public var http: HTTPConfig?
        public var push: PushConfig?
        public var mqtt: MQTTConfig?
        var cloudPriority: Int
        var localPriority: Int

        public init(http: HTTPConfig?, push: PushConfig?, mqtt: MQTTConfig? = nil, sources: [SourceConfig]) {
            self.http = http
            self.push = push
            self.mqtt = mqtt
            let priorities = Dictionary(sources.map { ($0.id, $0.priority) }) { first, _ in first }
            cloudPriority = priorities[GatewaySources.cloud] ?? 5
            localPriority = priorities[GatewaySources.local] ?? 5
        }

        public init(site: Site) { self.init(http: site.http, push: site.push, mqtt: site.mqtt, sources: site.sources) }

        /// Whether the site has anything to serve, push or publish.
        var isEmpty: Bool { http == nil && push == nil && mqtt == nil }

        /// The local API's address, HOST:PORT.
        var address: String? { http.map { "\($0.host):\($0.port)" } }
    }

    public struct CannotListen: Error, CustomStringConvertible {
        public var address: String
        public var error: any Error
        public var description: String { "cannot serve the local API on \(address): \(error)" }
    }

    private let controller: GatewayController
    private let operations: LocalAPIOperations
    private let logger: Logger
    private let onReady: @Sendable () -> Void
    private let current: Mutex<Generation?>
    private let first: Generation?
    private let started: AsyncStream<Generation>
    private let starting: AsyncStream<Generation>.Continuation

    /// - Parameter onReady: called once the first local API listens (at once without one):
    ///   the program opens its start gate there.
    /// - Throws: what making the MQTT bridge threw (nothing is running yet).
    public init(
        _ settings: Settings, controller: GatewayController, operations: LocalAPIOperations, logger: Logger,
        onReady: @escaping @Sendable () -> Void
    ) throws {
        self.controller = controller
        self.operations = operations
        self.logger = logger
        self.onReady = onReady
        (started, starting) = AsyncStream.makeStream(of: Generation.self)
        first = try Generation(settings, controller: controller, operations: operations, logger: logger)
        current = Mutex(first)
    }

    /// Runs the services until a graceful shutdown, and each replacement a reload starts.
    /// - Throws: `CannotListen` when the first local API cannot be bound.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { tasks in
            if let first {
                tasks.addTask { await first.run() }
                guard await first.listening.wait() else {
                    if let error = first.failure {
                        throw CannotListen(address: first.settings.address ?? "-", error: error)
                    }
                    return
                }
            }
            onReady()
            for await generation in started.cancelOnGracefulShutdown() {
                tasks.addTask { await generation.run() }
            }
        }
    }

    /// Serves `settings` from now on: the running services when their settings are equal,
    /// else new ones, bound before the running ones stop, unless they take the same address:
    /// then the running ones stop first and, should the new ones fail to bind, serve again.
    /// - Throws: `CannotListen` when the new local API cannot be bound (the running services
    ///   serve on).
    public func replace(with settings: Settings) async throws {
        let running = current.withLock { $0 }
        let before = running?.settings ?? Settings(http: nil, push: nil, sources: [])
        guard before != settings else { return }
        let sameAddress = before.address != nil && before.address == settings.address
        if sameAddress { await running?.stop() }
        do {
            let next = try await start(settings)
            current.withLock { $0 = next }
            if !sameAddress { await running?.stop() }
        } catch {
            if sameAddress {
                do {
                    let again = try await start(before)
                    current.withLock { $0 = again }
                } catch {
                    current.withLock { $0 = nil }
                    logger.critical("cannot serve the local API again", metadata: ["error": "\(error)"])
                }
            }
            throw error
        }
    }

    /// Makes and starts the services for `settings`, and returns once their local API listens.
    private func start(_ settings: Settings) async throws -> Generation? {
        guard let generation = try Generation(settings, controller: controller, operations: operations, logger: logger)
        else { return nil }
        starting.yield(generation)
        guard await generation.listening.wait() else {
            throw CannotListen(address: settings.address ?? "-", error: generation.failure ?? CancellationError())
        }
        return generation
    }
}

/// One set of services made from one `Settings`, run as a service group of its own.
private final class Generation: Sendable {
    let settings: APIServices.Settings
    private let group: ServiceGroup
    private let logger: Logger
    /// Opens once the local API listens (at once without one); abandoned when it cannot.
    let listening = Latch()
    private let finished = Latch()
    private let failed = Mutex<(any Error)?>(nil)

    /// Nil when the settings ask for nothing.
    init?(
        _ settings: APIServices.Settings, controller: GatewayController, operations: LocalAPIOperations,
        logger: Logger
    ) throws {
        guard !settings.isEmpty else { return nil }
        self.settings = settings
        self.logger = logger
        var push: PushClient?
        if let config = settings.push {
            let configuration = PushConfiguration(
                url: config.url, interval: config.interval, timeout: config.timeout,
                allowedTargets: config.targets.isEmpty ? nil : Set(config.targets.map(Target.init(apiKey:))),
                priority: settings.cloudPriority)
            push = PushClient(
                configuration: configuration, snapshot: { controller.snapshot }, sink: controller, logger: logger)
        }
        var api: LocalAPI?
        let listening = self.listening
        if let config = settings.http {
            let configuration = LocalAPIConfiguration(
                host: config.host, port: config.port, bearerToken: config.token, priority: settings.localPriority)
            var status: (@Sendable () -> PushStatus)?
            if let client = push { status = { client.status } }
            let host = config.host
            api = LocalAPI(
                configuration: configuration, snapshot: { controller.snapshot }, sink: controller, logger: logger,
                pushStatus: status, operations: operations,
                onServerRunning: { port in
                    logger.notice("serving the local API", metadata: ["http.listen": "\(host):\(port)"])
                    listening.open()
                })
        } else {
            listening.open()
        }
        let mqtt = try settings.mqtt.map { config in
            try MQTTBridge(config: config, snapshot: { controller.snapshot }, sink: controller, logger: logger)
        }
        let recorder = operations.history.map { PowerHistoryRecorder(history: $0, snapshot: { controller.snapshot }) }
        // Each service ends by itself on a graceful shutdown; one that fails ends the group.
        let services: [any Service] = [api as (any Service)?, push, mqtt, recorder].compactMap { $0 }
        group = ServiceGroup(services: services, logger: logger)
    }

    /// What ended the group, if it failed.
    var failure: (any Error)? { failed.withLock { $0 } }

    func run() async {
        do { try await group.run() } catch {
            failed.withLock { $0 = error }
            logger.error("local API or push client stopped", metadata: ["error": "\(error)"])
        }
        listening.abandon()  // a server that could not bind never reports running
        finished.open()
    }

    /// Shuts the services down gracefully and returns once they have ended.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await finished.wait()
    }
}
