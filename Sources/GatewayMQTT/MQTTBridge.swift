import AsyncAlgorithms
public import Control
import Foundation
public import Gateway
import GatewayHTTP
public import GatewayState
public import Logging
import MQTT
public import ServiceLifecycle
public import SiteConfig
import Synchronization

/// The site on an MQTT broker: the local API's documents and one per device, retained, on change
/// and at least every `interval`; Home Assistant discovery configs for every device's readings;
/// and commands in the local API's schema on the command topic, as source `mqtt` (with its own
/// watchdog). The broker may come and go: the client reconnects with back-off, commands in force
/// stay in the control core meanwhile, and everything is published again on reconnect.
public final class MQTTBridge: Sendable, Service {
    public static let source = GatewaySources.mqtt
    /// How often the bridge looks for changes.
    static let tick = Duration.milliseconds(250)

    public let config: MQTTConfig
    public let topics: MQTTTopics
    private let session: ControlSession
    private let client: MQTTClient
    private let snapshot: @Sendable () -> GatewaySnapshot
    private let logger: Logger
    private let state = Mutex(State())
    private struct State {
        /// Set by a (re)connect: publish discovery and every document at the next tick.
        var fresh = false
        var published: [String: [UInt8]] = [:]
        var lastFull: ContinuousClock.Instant?
        var wasConnected = false
        /// A connection failure was logged since the last connection.
        var failureLogged = false
    }

    /// - Throws: `MQTTError` when libmosquitto refuses the settings (a TLS CA it cannot load).
    public init(
        config: MQTTConfig, snapshot: @escaping @Sendable () -> GatewaySnapshot, sink: any CommandSink,
        logger: Logger
    ) throws {
        self.config = config
        self.snapshot = snapshot
        var logger = logger
        logger[metadataKey: "mqtt.broker"] = "\(config.host):\(config.port)"
        self.logger = logger
        topics = MQTTTopics(prefix: config.topicPrefix)
        session = ControlSession(
            source: SourceID(Self.source), sink: sink, snapshot: snapshot, logger: logger, client: config.host)
        client = try MQTTClient(
            MQTTSettings(
                host: config.host, port: config.port,
                clientID: "busbar-\(MQTTConfig.slug(config.topicPrefix))-\(ProcessInfo.processInfo.processIdentifier)",
                username: config.username, password: config.password, caFile: config.ca,
                availabilityTopic: topics.availability))
    }

    /// Connects and publishes until cancelled or a graceful shutdown, then says `offline`.
    public func run() async throws {
        client.onEvent { [weak self] event in self?.connection(event) }
        client.onMessage { [weak self] message in self?.received(message) }
        client.subscribe(topics.command)
        try client.start()
        defer { client.stop() }
        publish(at: .now)
        for await instant in AsyncTimerSequence(interval: Self.tick, clock: .continuous).cancelOnGracefulShutdown() {
            publish(at: instant)
        }
    }

    public var isConnected: Bool { client.isConnected }

    private func connection(_ event: MQTTClient.Event) {
        if case .failed(let reason) = event {
            // Once until the next connection: the library retries with back-off on its own.
            let first = state.withLock { state in
                defer { state.failureLogged = true }
                return !state.failureLogged
            }
            if first {
                logger.warning(
                    "cannot connect to the MQTT broker; retrying with back-off", metadata: ["error": "\(reason)"])
            }
            return
        }
        let was = state.withLock { state in
            defer {
                state.wasConnected = event == .connected
                if event == .connected {
                    state.fresh = true
                    state.failureLogged = false
                }
            }
            return state.wasConnected
        }
        switch event {
        case .connected:
            logger.notice("connected to the MQTT broker", metadata: ["mqtt.prefix": "\(config.topicPrefix)"])
        case .refused(let code):
            logger.warning("the MQTT broker refused the connection", metadata: ["mqtt.code": "\(code)"])
        case .disconnected:
            // Once per outage, not at every retry.
            if was { logger.warning("lost the MQTT broker; reconnecting with back-off") }
        case .failed:
            break
        }
    }

    /// Publishes what changed; everything after a (re)connect or every `interval`.
    private func publish(at now: ContinuousClock.Instant) {
        guard client.isConnected else { return }
        let (fresh, full) = state.withLock { state in
            let full = state.fresh || state.lastFull.map { now - $0 >= config.interval } ?? true
            defer {
                state.fresh = false
                if full { state.lastFull = now }
            }
            return (state.fresh, full)
        }
        let current = snapshot()
        let encoder = JSONCoding.encoder()
        // A device's sensors appear as its readings do (none before its first poll).
        if let prefix = config.discoveryPrefix {
            for device in current.devices {
                for sensor in DiscoveryConfig.sensors(of: device, site: current.siteName, topics: topics) {
                    guard let payload = try? Array(encoder.encode(sensor)) else { continue }
                    _ = send(sensor.topic(discoveryPrefix: prefix), payload, force: fresh)
                }
            }
        }
        var changed = false
        for device in current.devices {
            guard let payload = try? Array(encoder.encode(DeviceDocument(device))) else { continue }
            changed = send(topics.device(device.id), payload, force: full) || changed
        }
        guard changed || full else { return }
        let time = session.now()
        if let status = try? encoder.encode(StatusDocument(snapshot: current, at: time)) {
            client.publish(topics.status, Array(status), retain: true)
        }
        let audience = DocumentAudience(priority: 0)
        if let data = try? encoder.encode(CurrentDataDocument(snapshot: current, at: time, for: audience)) {
            client.publish(topics.currentData, Array(data), retain: true)
        }
    }

    /// Publishes `payload` retained when it differs from what was published last (or `force`).
    private func send(_ topic: String, _ payload: [UInt8], force: Bool) -> Bool {
        let differs = state.withLock { $0.published[topic] != payload }
        guard differs || force else { return false }
        if client.publish(topic, payload, retain: true) { state.withLock { $0.published[topic] = payload } }
        return differs
    }

    /// A command: applied whole or refused whole, answered on the result topic.
    private func received(_ message: MQTTMessage) {
        guard message.topic == topics.command else { return }
        // A retained command is an old one: it was meant for a gateway that has long gone.
        guard !message.retained else {
            logger.notice("ignored a retained command", metadata: ["mqtt.topic": "\(message.topic)"])
            return
        }
        let encoder = JSONCoding.encoder()
        let answer: Data?
        switch session.handle(body: message.payload) {
        case .success(let outcome):
            let document = CurrentDataDocument(
                snapshot: snapshot(), at: session.now(), for: DocumentAudience(priority: 0))
            answer = try? encoder.encode(
                ControlModesAnswer(outcome: outcome, activeControlModes: document.activeControlModes))
        case .failure(let error):
            let at = session.now().wall
            answer = try? encoder.encode(
                ErrorDocument(
                    error: error.description,
                    rejectedControlModes: error.problems.map { RejectedControlMode($0, at: at) }))
        }
        if let answer { client.publish(topics.commandResult, Array(answer)) }
    }
}
