import CMosquitto
import Foundation
import Synchronization

/// An MQTT 3.1.1 client over libmosquitto: one network thread of the library's own, which
/// reconnects with back-off (1 s doubling to 30 s) whenever the broker goes away; subscriptions
/// are made again on every connect. Messages and connection changes arrive on that thread.
public final class MQTTClient: Sendable {
    /// A connection change: connected (with the broker's return code 0), refused, lost, or an
    /// error the library reports on the way (a TLS handshake that fails, a broker not there).
    public enum Event: Sendable, Hashable {
        case connected
        case refused(code: Int32)
        case disconnected
        case failed(reason: String)
    }

    public let settings: MQTTSettings
    // The handle is used from the library's thread and from callers; libmosquitto locks its own
    // state for publish/subscribe across threads.
    private nonisolated(unsafe) let handle: OpaquePointer
    private let state = Mutex(State())
    private struct State {
        var subscriptions: [String] = []
        var onMessage: (@Sendable (MQTTMessage) -> Void)?
        var onEvent: (@Sendable (Event) -> Void)?
        var connected = false
        var started = false
    }

    private static let library: Void = { mosquitto_lib_init() }()

    public init(_ settings: MQTTSettings) throws(MQTTError) {
        _ = Self.library
        self.settings = settings
        guard let handle = mosquitto_new(settings.clientID, true, nil) else {
            throw MQTTError("mosquitto_new", code: MOSQ_ERR_NOMEM.rawValue)
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        do throws(MQTTError) {
            if let username = settings.username {
                try check("username", mosquitto_username_pw_set(handle, username, settings.password))
            }
            if let ca = settings.caFile { try check("tls", mosquitto_tls_set(handle, ca, nil, nil, nil, nil)) }
            if let topic = settings.availabilityTopic {
                try check("will", mosquitto_will_set(handle, topic, 7, "offline", 1, true))
            }
            try check("reconnect delay", mosquitto_reconnect_delay_set(handle, 1, 30, true))
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_connect_callback_set(handle) { _, user, code in
            MQTTClient.from(user)?.connected(code: code)
        }
        mosquitto_disconnect_callback_set(handle) { _, user, _ in
            MQTTClient.from(user)?.disconnected()
        }
        // The library's own errors: the only word of a connection that never got as far as the
        // broker (a certificate that does not verify).
        mosquitto_log_callback_set(handle) { _, user, level, text in
            guard level & Int32(MOSQ_LOG_ERR) != 0, let text else { return }
            MQTTClient.from(user)?.failed(String(cString: text))
        }
        mosquitto_message_callback_set(handle) { _, user, message in
            guard let client = MQTTClient.from(user), let message = message?.pointee, let topic = message.topic else {
                return
            }
            let payload =
                message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen))) } ?? []
            client.received(MQTTMessage(topic: String(cString: topic), payload: payload, retained: message.retain))
        }
    }

    deinit {
        mosquitto_destroy(handle)
    }

    /// What to do with messages and connection changes; set before `start()`.
    public func onMessage(_ handler: @escaping @Sendable (MQTTMessage) -> Void) {
        state.withLock { $0.onMessage = handler }
    }

    public func onEvent(_ handler: @escaping @Sendable (Event) -> Void) {
        state.withLock { $0.onEvent = handler }
    }

    /// Subscribes now (when connected) and on every connect.
    public func subscribe(_ topic: String) {
        let connected = state.withLock { state in
            state.subscriptions.append(topic)
            return state.connected
        }
        if connected { mosquitto_subscribe(handle, nil, topic, 1) }
    }

    /// Starts the network thread and connects; a broker that is not there yet is tried again
    /// with back-off, so this fails only for settings the library refuses.
    public func start() throws(MQTTError) {
        guard
            !state.withLock({ state in
                defer { state.started = true }
                return state.started
            })
        else { return }
        try check("loop", mosquitto_loop_start(handle))
        let code = mosquitto_connect_async(handle, settings.host, Int32(settings.port), Int32(settings.keepAlive))
        // A refused first connection is retried by the network thread; only bad arguments end here.
        if code == MOSQ_ERR_INVAL.rawValue { throw MQTTError("connect", code: code) }
    }

    /// Says goodbye (the availability topic goes `offline`), disconnects and joins the thread.
    public func stop() {
        guard
            state.withLock({ state in
                defer { state.started = false }
                return state.started
            })
        else { return }
        if let topic = settings.availabilityTopic, isConnected {
            mosquitto_publish(handle, nil, topic, 7, "offline", 1, true)
        }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, true)
        state.withLock { $0.connected = false }
    }

    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Publishes (QoS 1); false when not connected (nothing is queued for later: the publisher
    /// sends what is current on the next connect).
    @discardableResult
    public func publish(_ topic: String, _ payload: [UInt8], retain: Bool = false) -> Bool {
        guard isConnected else { return false }
        return payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, nil, topic, Int32(bytes.count), bytes.baseAddress, 1, retain)
        } == MOSQ_ERR_SUCCESS.rawValue
    }

    // MARK: Callbacks, on the network thread

    private static func from(_ user: UnsafeMutableRawPointer?) -> MQTTClient? {
        user.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func connected(code: Int32) {
        guard code == 0 else {
            state.withLock { $0.onEvent }?(.refused(code: code))
            return
        }
        let (topics, handler) = state.withLock { state in
            state.connected = true
            return (state.subscriptions, state.onEvent)
        }
        for topic in topics { mosquitto_subscribe(handle, nil, topic, 1) }
        if let topic = settings.availabilityTopic { mosquitto_publish(handle, nil, topic, 6, "online", 1, true) }
        handler?(.connected)
    }

    private func disconnected() {
        let handler = state.withLock { state in
            state.connected = false
            return state.onEvent
        }
        handler?(.disconnected)
    }

    private func failed(_ reason: String) {
        state.withLock { $0.onEvent }?(.failed(reason: reason))
    }

    private func received(_ message: MQTTMessage) {
        state.withLock { $0.onMessage }?(message)
    }
}

private func check(_ operation: String, _ code: Int32) throws(MQTTError) {
    guard code == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError(operation, code: code) }
}
