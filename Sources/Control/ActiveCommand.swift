public import Vocabulary

/// A command in force (not lost): what the status shows per target.
public struct ActiveCommand: Hashable, Sendable {
    /// The command.
    public var command: CommandRef
    /// Its source's priority; `nil` for a fallback.
    public var priority: Int?
    /// When it was issued; `nil` for a fallback.
    public var issuedAt: ControlInstant?
    /// Time until it expires (watchdog or explicit end); `nil` for a fallback.
    public var remaining: Duration?
    /// The target it got when it had to be clamped (W), `nil` when it runs as asked.
    public var clampedTo: Watts?

    public init(
        command: CommandRef, priority: Int?, issuedAt: ControlInstant?, remaining: Duration?, clampedTo: Watts? = nil
    ) {
        self.command = command
        self.priority = priority
        self.issuedAt = issuedAt
        self.remaining = remaining
        self.clampedTo = clampedTo
    }

    /// Whole seconds left, rounded up (the `remaining` register); `nil` for a fallback.
    public var secondsLeft: Int? {
        guard let remaining else { return nil }
        let seconds = remaining.seconds
        return Int(seconds.rounded(.up))
    }
}
