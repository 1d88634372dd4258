import Vocabulary

/// A command that ended on its own, as `ControlCore.tick(at:)` reports it.
public struct Expiration: Hashable, Sendable, CustomStringConvertible {
    /// Why it ended.
    public enum Reason: String, Hashable, Sendable {
        /// Its source sent nothing within its watchdog timeout.
        case watchdog
        /// Its explicit duration or end time was reached.
        case durationEnded
        /// Its schedule slot ended (the command stood for the slot).
        case slotEnded
        /// The event it waited for happened (`until: {idle: …}`).
        case conditionMet
        /// Its energy target was met (CHARGE_ENERGY).
        case targetMet
        /// The car its energy target charged was unplugged (CHARGE_ENERGY).
        case unplugged
    }

    /// The command that ended; its target returns to its fallback unless another command holds it.
    public var command: Command
    /// Why.
    public var reason: Reason
    /// The instant it ended (its deadline, not the tick that noticed it).
    public var at: ControlInstant

    public init(command: Command, reason: Reason, at: ControlInstant) {
        self.command = command
        self.reason = reason
        self.at = at
    }

    public var description: String { "\(command) ended (\(reason.rawValue)) at \(at)" }
}
