public import Vocabulary

/// The modes a target offers now, and what holds it.
public struct TargetModes: Hashable, Sendable {
    /// The target.
    public var target: Target
    /// The modes its online devices can carry out, by code (AUTO always, for ESS targets with an
    /// online battery). Empty without online devices.
    public var modes: [ModeKind]
    /// The command of highest precedence in force on this target (or, for a device, on its
    /// cluster), AUTO and fallbacks aside. A command from a source of lower priority would be
    /// overridden by it where they conflict.
    package var heldBy: ActiveCommand?

    public init(target: Target, modes: [ModeKind], heldBy: ActiveCommand?) {
        self.target = target
        self.modes = modes
        self.heldBy = heldBy
    }

    /// The available modes as a bitmask (bit `code` set per mode).
    public var bitmask: UInt32 { modes.bitmask }

    /// Whether `mode` is available here.
    public func offers(_ mode: ModeKind) -> Bool {
        modes.contains(mode)
    }

    /// Whether a command from a source with `priority` would be overridden by `heldBy`
    /// (ties go to the newer command, so an equal priority is not overridden).
    public func isOverridden(forPriority priority: Int) -> Bool {
        guard let holder = heldBy?.priority else { return false }
        return holder > priority
    }
}
