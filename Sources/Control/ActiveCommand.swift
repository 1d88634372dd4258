public import Vocabulary

/// A command in force (not lost): what the status shows per target.
public struct ActiveCommand: Hashable, Sendable {
    /// The command.
    public var command: CommandRef
    /// Its source's priority; `nil` for a fallback.
    public var priority: Int?
    /// When it was issued; `nil` for a fallback.
    public var issuedAt: ControlInstant?
    /// Time until it expires (watchdog or explicit end); `nil` for a fallback, or for a command
    /// that only an event ends.
    public var remaining: Duration?
    /// The target it got when it had to be clamped (W), `nil` when it runs as asked.
    public var clampedTo: Watts?
    /// How its energy target stands (CHARGE_TO_SOC); `nil` for other modes.
    public var energyTarget: EnergyTargetStatus?
    /// The chargepoints it is in force while they charge (`while: {charging: …}`), if any.
    public var activeWhileCharging: ChargepointSelection?
    /// The event that ends it (`until: {idle: …}`), if any.
    public var endsWhenIdle: IdleCondition?
    /// How long its chargepoints have been idle, while it waits for that.
    public var idleFor: Duration?

    public init(
        command: CommandRef, priority: Int?, issuedAt: ControlInstant?, remaining: Duration?, clampedTo: Watts? = nil,
        energyTarget: EnergyTargetStatus? = nil
    ) {
        self.command = command
        self.priority = priority
        self.issuedAt = issuedAt
        self.remaining = remaining
        self.clampedTo = clampedTo
        self.energyTarget = energyTarget
    }

    /// Whole seconds left, rounded up (the `remaining` register); `nil` for a fallback.
    public var secondsLeft: Int? {
        guard let remaining else { return nil }
        let seconds = remaining.seconds
        return Int(seconds.rounded(.up))
    }
}
