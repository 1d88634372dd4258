import Control
import Dispatch
import Gateway
import GatewayHTTP
import GatewayMQTT
import GatewayState
import Logging
import ServiceLifecycle
import SiteConfig
import Synchronization

/// The local JSON API, the cloud push client, the MQTT bridge of a site and the status page's
/// power history recorder, run beside the gateway on Swift concurrency (they do no blocking I/O) as one service group, until `stop()`.
final class HTTPServices: Sendable {
    /// What the services are made from: equal settings after a reload keep them running (with
    /// the local API's schedules, the push client's rate limit and their connections).
    struct Settings: Hashable {
        var http: HTTPConfig?
        var push: PushConfig?
        var mqtt: MQTTConfig?
        var cloudPriority: Int
        var localPriority: Int

        init(http: HTTPConfig?, push: PushConfig?, mqtt: MQTTConfig? = nil, sources: [SourceConfig]) {
            self.http = http
            self.push = push
            self.mqtt = mqtt
            let priorities = Dictionary(sources.map { ($0.id, $0.priority) }) { first, _ in first }
            cloudPriority = priorities[GatewaySources.cloud] ?? 5
            localPriority = priorities[GatewaySources.local] ?? 5
        }

        init(site: Site) { self.init(http: site.http, push: site.push, mqtt: site.mqtt, sources: site.sources) }

        /// Whether the site has anything to serve, push or publish.
        var isEmpty: Bool { http == nil && push == nil && mqtt == nil }
    }

    struct CannotListen: Error, CustomStringConvertible {
        var address: String
        var error: any Error
        var description: String { "cannot serve the local API on \(address): \(error)" }
    }

    let settings: Settings
    private let group: ServiceGroup
    private let done = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    /// Starts what `settings` ask for and returns once the local API listens; nil when the site
    /// has neither an API nor a push.
    /// The schedules their sources sent are the control core's, so a reload that replaces the
    /// services keeps them.
    /// - Throws: `CannotListen` when the local API's address cannot be bound (nothing is left
    ///   running).
    init?(
        _ settings: Settings, controller: GatewayController, logger: Logger,
        operations: LocalAPIOperations = LocalAPIOperations()
    ) throws {
        guard !settings.isEmpty else { return nil }
        self.settings = settings
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
        let listening = DispatchSemaphore(value: 0)
        if let config = settings.http {
            let configuration = LocalAPIConfiguration(
                host: config.host, port: config.port, bearerToken: config.token, priority: settings.localPriority)
            var status: (@Sendable () -> PushStatus)?
            if let client = push { status = { client.status } }
            let listen = "\(config.host)"
            api = LocalAPI(
                configuration: configuration, snapshot: { controller.snapshot }, sink: controller, logger: logger,
                pushStatus: status, operations: operations,
                onServerRunning: { port in
                    logger.notice("serving the local API", metadata: ["http.listen": "\(listen):\(port)"])
                    listening.signal()
                })
        } else {
            listening.signal()
        }
        let mqtt = try settings.mqtt.map { config in
            try MQTTBridge(config: config, snapshot: { controller.snapshot }, sink: controller, logger: logger)
        }
        // Each service ends by itself on a graceful shutdown; one that fails ends the group.
        let recorder = operations.history.map { PowerHistoryRecorder(history: $0, snapshot: { controller.snapshot }) }
        let services: [any Service] = [api as (any Service)?, push, mqtt, recorder].compactMap { $0 }
        let group = ServiceGroup(services: services, logger: logger)
        self.group = group
        let done = self.done
        let failure = Mutex<(any Error)?>(nil)
        // The one unstructured task of busbar: the synchronous command owns it and ends it with
        // `stop()`, which shuts the group down gracefully (the HTTP server closes its listener
        // and connections instead of being cancelled) and waits until it has finished.
        Task.detached {
            do { try await group.run() } catch {
                failure.withLock { $0 = error }
                logger.error("local API or push client stopped", metadata: ["error": "\(error)"])
            }
            listening.signal()  // a server that could not bind never reports running
            done.signal()
        }
        listening.wait()
        if let error = failure.withLock({ $0 }) {
            stopped.withLock { $0 = true }
            throw CannotListen(address: settings.http.map { "\($0.host):\($0.port)" } ?? "-", error: error)
        }
    }

    /// Stops pushing and serving, and waits until both have ended.
    func stop() {
        guard
            !stopped.withLock({ stopped in
                defer { stopped = true }
                return stopped
            })
        else { return }
        let group = self.group
        Task { await group.triggerGracefulShutdown() }
        done.wait()
    }
}
