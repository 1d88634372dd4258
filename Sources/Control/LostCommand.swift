public import Vocabulary

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

        public var description: String {
            switch self {
            case .conflictsWith(let winner): "conflicts with \(winner)"
            case .conflictsWithDeviceLimits: "conflicts with the devices' limits"
            case .targetTakenBy(let winner): "target already set by \(winner)"
            case .noOnlineDevice: "no online device"
            case .modeUnavailable: "mode not available on the online devices"
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
