import Control
import Dispatch
import Gateway
import GatewayHTTP
import Logging
import SiteConfig
import Synchronization

/// The local JSON API and the cloud push client of a site, run beside the gateway on Swift
/// concurrency (they do no blocking I/O), until `stop()`.
final class HTTPServices: Sendable {
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let push: PushClient?
    private let done = DispatchSemaphore(value: 0)

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
        let (runningAPI, runningPush) = (api, push)
        self.push = push
        let done = self.done
        // The one unstructured task of busbar: the synchronous command owns it and ends it with
        // `stop()`, which cancels it and waits until it has finished.
        task.withLock {
            $0 = Task.detached {
                await withTaskGroup(of: Void.self) { group in
                    if let api = runningAPI {
                        group.addTask {
                            do { try await api.run() } catch {
                                logger.error("local API stopped", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                    if let push = runningPush { group.addTask { await push.run() } }
                }
                done.signal()
            }
        }
    }

    /// Stops pushing and serving, and waits until both have ended.
    func stop() {
        push?.stop()
        guard let running = task.withLock({ task in defer { task = nil }; return task }) else { return }
        running.cancel()
        done.wait()
    }
}
