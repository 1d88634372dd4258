public import Control

/// What happened in the gateway that an audit journal keeps: a command a source sent and the
/// control core's verdict, a target's mode changing, a device coming or going.
public enum GatewayEvent: Sendable {
    /// A command received from `client` (a master's or API client's address, a push URL's or
    /// MQTT broker's host; nil when unknown); `rejection` is why the core refused it, nil when
    /// it took it.
    case command(Command, rejection: CommandRejection?, client: String?)
    /// The mode in force on `target` changed to `mode`, set by `origin` (`.fallback`: none did).
    case modeChanged(target: Target, mode: Mode?, origin: CommandRef.Origin, remaining: Duration?)
    /// A command in force lost in a decision (logged once until it wins or ends).
    case commandLost(LostCommand)
    /// A device answered again, or went stale.
    case device(id: String, online: Bool)
}

/// Told of every `GatewayEvent`, on the thread it happened on: keep it short.
public protocol GatewayObserver: Sendable {
    func gateway(_ event: GatewayEvent)
}
