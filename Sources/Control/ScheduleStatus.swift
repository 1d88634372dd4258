public import Vocabulary

/// A schedule as the status shows it: the slot in force and the next one, with its source.
public struct ScheduleStatus: Hashable, Sendable {
    /// The schedule's source.
    public var source: SourceID
    /// Its target.
    public var target: Target
    /// The slot in force at the decision, if any.
    public var current: Schedule.Slot?
    /// The next slot to start, if any.
    public var next: Schedule.Slot?
    /// The slots still to come or running.
    public var slotsLeft: Int

    public init(source: SourceID, target: Target, current: Schedule.Slot?, next: Schedule.Slot?, slotsLeft: Int) {
        self.source = source
        self.target = target
        self.current = current
        self.next = next
        self.slotsLeft = slotsLeft
    }
}
