import Vocabulary

/// A request from a source to run a mode on a target, as decoded from a register write or an
/// API call.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    /// How a command ends on its own.
    public enum End: Hashable, Sendable {
        /// This long after the command was issued.
        case after(Duration)
        /// At this instant.
        case at(ControlInstant)
    }

    /// The source that sent it; its priority decides conflicts.
    public var source: SourceID
    /// What it addresses.
    public var target: Target
    /// The mode with its parameter.
    public var mode: Mode
    /// When it was issued (newer commands win ties of priority).
    public var issuedAt: ControlInstant
    /// An explicit end: the command runs "fire and forget" until then, without the source's
    /// watchdog. `nil` means it lasts while the source keeps its watchdog alive.
    public var end: End?
    /// In force only while one of these chargepoints charges (`while: {charging: …}`); while
    /// none does the command waits, held but not in force. `nil`: always in force.
    public var activeWhileCharging: ChargepointSelection?
    /// Ends once these chargepoints have all been idle this long (`until: {idle: …}`); such a
    /// command runs "fire and forget", without the watchdog. `nil`: no event ends it.
    public var endsWhenIdle: IdleCondition?

    public init(
        source: SourceID, target: Target, mode: Mode, issuedAt: ControlInstant, end: End? = nil,
        activeWhileCharging: ChargepointSelection? = nil, endsWhenIdle: IdleCondition? = nil
    ) {
        self.source = source
        self.target = target
        self.mode = mode
        self.issuedAt = issuedAt
        self.end = end
        self.activeWhileCharging = activeWhileCharging
        self.endsWhenIdle = endsWhenIdle
    }

    /// Whether it runs without the watchdog: it has an explicit end or an event that ends it.
    public var isFireAndForget: Bool { end != nil || endsWhenIdle != nil }

    /// An ESS command.
    public static func ess(
        _ mode: EssMode, from source: SourceID, on target: Target = .essCluster, at issuedAt: ControlInstant,
        end: End? = nil
    ) -> Command {
        Command(source: source, target: target, mode: .ess(mode), issuedAt: issuedAt, end: end)
    }

    /// A chargepoint command.
    public static func chargepoint(
        _ mode: ChargepointMode, from source: SourceID, on target: Target = .chargepointCluster,
        at issuedAt: ControlInstant, end: End? = nil
    ) -> Command {
        Command(source: source, target: target, mode: .chargepoint(mode), issuedAt: issuedAt, end: end)
    }

    /// The instant of the explicit end, if any.
    public var endInstant: ControlInstant? {
        switch end {
        case nil: nil
        case .after(let duration): issuedAt + duration
        case .at(let instant): instant
        }
    }

    public var description: String { "\(mode) on \(target) from \(source)" }
}
