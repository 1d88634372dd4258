import Vocabulary

/// What `ControlCore.replaceSchedules` says about an accepted replacement.
public struct ScheduleReceipt: Hashable, Sendable {
    /// The slots now held, over all targets the replacement covered.
    public var slots: Int
    /// The slots dropped because they had already ended when the schedule arrived.
    public var past: Int
    /// The targets whose schedule from the source was replaced or cleared.
    public var replaced: [Target]

    public init(slots: Int, past: Int, replaced: [Target]) {
        self.slots = slots
        self.past = past
        self.replaced = replaced
    }
}
