import Vocabulary

/// What `ControlCore.apply(_:at:)` says about an accepted command.
public struct CommandReceipt: Hashable, Sendable {
    /// The same source's previous command on the same target, which this one replaced.
    public var replaced: Command?
    /// When the command ends unless refreshed (watchdog) or at all (explicit end).
    public var expiresAt: ControlInstant

    public init(replaced: Command?, expiresAt: ControlInstant) {
        self.replaced = replaced
        self.expiresAt = expiresAt
    }
}
