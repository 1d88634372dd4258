public import Control
public import Foundation
public import Gateway
import Vocabulary

/// One schedule in `/api/status`: its source and target, the slot in force with its time left,
/// and the next slot with when it starts.
public struct ScheduleEntry: Codable, Sendable, Hashable {
    /// One slot: its mode with the parameters flat beside it, its times, and the seconds to its
    /// end (in force) or to its start (next).
    public struct Slot: Codable, Sendable, Hashable {
        public var mode: String
        public var parameters: [String: Double]
        public var start: Date
        public var end: Date
        /// For the slot in force: whole seconds until it ends; for the next: until it starts.
        public var secondsLeft: Int

        public init(mode: String, parameters: [String: Double], start: Date, end: Date, secondsLeft: Int) {
            self.mode = mode
            self.parameters = parameters
            self.start = start
            self.end = end
            self.secondsLeft = secondsLeft
        }
    }

    /// The target's key (`ess`, `evcs`, a device id).
    public var target: String
    /// The source that owns it.
    public var source: String
    /// The slot in force, if any.
    public var current: Slot?
    /// The next slot to start, if any.
    public var next: Slot?
    /// Slots running or to come.
    public var slotsLeft: Int

    public init(target: String, source: String, current: Slot?, next: Slot?, slotsLeft: Int) {
        self.target = target
        self.source = source
        self.current = current
        self.next = next
        self.slotsLeft = slotsLeft
    }

    /// The entry for `status` of a decision, its instants shown on the wall clock of `time`.
    public init(_ status: ScheduleStatus, at time: TimeBase) {
        let slot = { (slot: Schedule.Slot, until: ControlInstant) in
            Slot(
                mode: slot.mode.kind.name, parameters: slot.mode.parameterValues.apiFields,
                start: time.date(at: slot.start), end: time.date(at: slot.end),
                secondsLeft: Int(time.control.duration(to: until).seconds.rounded(.up)))
        }
        self.init(
            target: status.target.apiKey, source: status.source.rawValue,
            current: status.current.map { slot($0, $0.end) }, next: status.next.map { slot($0, $0.start) },
            slotsLeft: status.slotsLeft)
    }
}
