public import Vocabulary

/// One source's plan for one target: slots of modes with explicit starts and ends (up to a week
/// of 15-minute slots). A gap between slots means "no command from this source" there. A new
/// schedule from the same source replaces its old one whole (`ControlCore.replaceSchedules`).
public struct Schedule: Hashable, Sendable, CustomStringConvertible {
    /// A mode that runs from `start` until `end` by itself: no watchdog, and no command of the
    /// source outside it.
    public struct Slot: Hashable, Sendable, CustomStringConvertible {
        /// When the slot begins.
        public var start: ControlInstant
        /// When it ends (after `start`).
        public var end: ControlInstant
        /// The mode with its parameters, as a single command would carry it.
        public var mode: Mode

        public init(start: ControlInstant, end: ControlInstant, mode: Mode) {
            self.start = start
            self.end = end
            self.mode = mode
        }

        /// A slot of `duration` from `start`.
        public init(start: ControlInstant, duration: Duration, mode: Mode) {
            self.init(start: start, end: start + duration, mode: mode)
        }

        /// Whether the slot is in force at `now`: from its start, strictly before its end.
        public func contains(_ now: ControlInstant) -> Bool { start <= now && now < end }

        public var description: String { "\(mode) \(start)..<\(end)" }
    }

    /// Which of a source's schedules a replacement covers.
    public enum Scope: Hashable, Sendable {
        /// Only the targets the new schedules name: a profile handing in one target's schedule.
        case namedTargets
        /// Every target of the source: one not named loses its schedule (a push response's or
        /// the local API's `schedule`, which is the source's whole plan).
        case allTargets
    }

    /// The most slots a schedule may hold: a week of 15-minute slots.
    public static let maximumSlots = 7 * 96

    /// The source that owns it; its priority decides conflicts as for its commands.
    public var source: SourceID
    /// What its slots address.
    public var target: Target
    /// The slots, by start, none overlapping another.
    public var slots: [Slot]

    public init(source: SourceID, target: Target, slots: [Slot]) {
        self.source = source
        self.target = target
        self.slots = slots
    }

    /// The slot in force at `now`, if any.
    public func slot(at now: ControlInstant) -> Slot? {
        slots.first { $0.contains(now) }
    }

    /// The first slot that starts after `now`, if any.
    public func slot(after now: ControlInstant) -> Slot? {
        slots.first { $0.start > now }
    }

    /// The command a slot stands for: issued at its start, ending at its end.
    public func command(for slot: Slot) -> Command {
        Command(source: source, target: target, mode: slot.mode, issuedAt: slot.start, end: .at(slot.end))
    }

    public var description: String { "schedule of \(slots.count) slot(s) on \(target) from \(source)" }
}
