import Vocabulary

/// A command that is active but has no effect (on all or part of its target), and why.
public struct LostCommand: Hashable, Sendable, CustomStringConvertible {
    /// Why a command lost.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// Its bounds would leave no power (or current) that this command of higher precedence
        /// allows, so it was dropped.
        case conflictsWith(CommandRef)
        /// Its bounds exclude everything the devices' own limits allow.
        case conflictsWithDeviceLimits
        /// This command of higher precedence already sets the value.
        case targetTakenBy(CommandRef)
        /// No online device of its target can carry it out.
        case noOnlineDevice
        /// The target's online devices cannot carry out its mode.
        case modeUnavailable
        /// Clamped into `bounds` (W; A for a chargepoint) by the commands before it and the
        /// devices' limits, its target came to 0: it has no effect, and its scope idles.
        case clampedAway(bounds: PowerInterval)
        /// `bounds` hold only power against its direction (a discharge would become a charge,
        /// or the reverse): it is not carried out, and its scope runs at the end of `bounds`
        /// nearest 0, as the commands before it force.
        case reversed(bounds: PowerInterval)
        /// A reading the mode needs is missing or stale (the grid meter for the grid modes):
        /// the mode released its target to AUTO until the reading is back.
        case inputMissing(String)

        public var description: String {
            switch self {
            case .conflictsWith(let winner): "conflicts with \(winner)"
            case .conflictsWithDeviceLimits: "conflicts with the devices' limits"
            case .targetTakenBy(let winner): "target already set by \(winner)"
            case .noOnlineDevice: "no online device"
            case .modeUnavailable: "mode not available on the online devices"
            case .clampedAway(let bounds): "clamped to 0 by the bounds \(bounds)"
            case .reversed(let bounds): "would run reversed within the bounds \(bounds)"
            case .inputMissing(let input): "inputMissing: \(input)"
            }
        }
    }

    /// The command that lost.
    public var command: CommandRef
    /// Where it lost: its target, or one device of a cluster it addresses.
    public var scope: Target
    /// Why.
    public var reason: Reason

    public init(command: CommandRef, scope: Target, reason: Reason) {
        self.command = command
        self.scope = scope
        self.reason = reason
    }

    public var description: String { "\(command) lost on \(scope): \(reason)" }
}
