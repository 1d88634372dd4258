import Control
import Dispatch
import Gateway
import GatewayHTTP
import Logging
import ServiceLifecycle
import SiteConfig
import Synchronization

/// The local JSON API and the cloud push client of a site, run beside the gateway on Swift
/// concurrency (they do no blocking I/O) as one service group, until `stop()`.
final class HTTPServices: Sendable {
    private let group: ServiceGroup
    private let done = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    /// Starts what `http` and `push` ask for; nil when the site has neither.
    init?(http: HTTPConfig?, push pushConfig: PushConfig?, gateway: Gateway, logger: Logger) {
        guard http != nil || pushConfig != nil else { return nil }
        let controller = gateway.controller
        let priorities = Dictionary(gateway.site.site.sources.map { ($0.id, $0.priority) }) { first, _ in first }
        var push: PushClient?
        if let config = pushConfig {
            let configuration = PushConfiguration(
                url: config.url, interval: config.interval, timeout: config.timeout,
                allowedTargets: config.targets.isEmpty ? nil : Set(config.targets.map(Target.init(apiKey:))),
                priority: priorities[GatewaySources.cloud] ?? 5)
            push = PushClient(
                configuration: configuration, snapshot: { controller.snapshot }, sink: controller, logger: logger)
        }
        var api: LocalAPI?
        if let config = http {
            let configuration = LocalAPIConfiguration(
                host: config.host, port: config.port, bearerToken: config.token,
                priority: priorities[GatewaySources.local] ?? 5)
            var status: (@Sendable () -> PushStatus)?
            if let client = push { status = { client.status } }
            let listen = "\(config.host)"
            api = LocalAPI(
                configuration: configuration, snapshot: { controller.snapshot }, sink: controller, logger: logger,
                pushStatus: status,
                onServerRunning: { port in
                    logger.notice("serving the local API", metadata: ["http.listen": "\(listen):\(port)"])
                })
        }
        // Each service ends by itself on a graceful shutdown; one that fails ends the group.
        let services: [any Service] = [api as (any Service)?, push].compactMap { $0 }
        let group = ServiceGroup(services: services, logger: logger)
        self.group = group
        let done = self.done
        // The one unstructured task of busbar: the synchronous command owns it and ends it with
        // `stop()`, which shuts the group down gracefully (the HTTP server closes its listener
        // and connections instead of being cancelled) and waits until it has finished.
        Task.detached {
            do { try await group.run() } catch {
                logger.error("local API or push client stopped", metadata: ["error": "\(error)"])
            }
            done.signal()
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
