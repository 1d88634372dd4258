import Vocabulary

extension ControlCore {
    /// Replaces `source`'s schedules with `replacements` (one per target; every one must be
    /// `source`'s), received at `now`: on the targets they name, and with `.allTargets` on every
    /// other target of the source too, which loses its schedule. Slots already over are dropped;
    /// an empty schedule clears its target. The replacement is checked whole first — the source,
    /// each target and mode, the slot count, each slot's length and that no two overlap — and a
    /// rejected one changes nothing. An accepted one counts as hearing from the source.
    ///
    /// This is the one way schedules enter the core: a push response or the local API hands in
    /// the source's whole plan, an upstream profile one target's.
    public mutating func replaceSchedules(
        _ replacements: [Schedule], of source: SourceID, scope: Schedule.Scope, at now: ControlInstant
    ) -> Result<ScheduleReceipt, CommandRejection> {
        guard configuration.source(source) != nil else { return .failure(.unknownSource(source)) }
        var seen: Set<Target> = []
        for schedule in replacements {
            guard schedule.source == source else { return .failure(.scheduleOfOtherSource(schedule.source)) }
            guard seen.insert(schedule.target).inserted else { return .failure(.scheduleTwice(schedule.target)) }
            if let rejection = rejection(of: schedule) { return .failure(rejection) }
        }
        let covered: Set<Target> =
            scope == .allTargets ? seen.union(schedules(of: source).map(\.target)) : seen
        var held = 0
        var past = 0
        for target in covered {
            let key = Key(source: source, target: target)
            let slots = (replacements.first { $0.target == target }?.slots ?? []).sorted { $0.start < $1.start }
            let upcoming = slots.filter { $0.end > now }
            past += slots.count - upcoming.count
            held += upcoming.count
            schedules[key] = upcoming.isEmpty ? nil : Schedule(source: source, target: target, slots: upcoming)
        }
        refresh(source, at: now)
        return .success(ScheduleReceipt(slots: held, past: past, replaced: covered.sorted()))
    }

    /// Every schedule held, by target, then source.
    public var schedulesHeld: [Schedule] {
        schedules.values.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// The schedules `source` holds, by target.
    public func schedules(of source: SourceID) -> [Schedule] {
        schedulesHeld.filter { $0.source == source }
    }

    /// Per schedule, the slot in force at `now` and the next one, by target, then source.
    public func scheduleStatus(at now: ControlInstant) -> [ScheduleStatus] {
        schedulesHeld.map { schedule in
            ScheduleStatus(
                source: schedule.source, target: schedule.target, current: schedule.slot(at: now),
                next: schedule.slot(after: now), slotsLeft: schedule.slots.count)
        }
    }

    /// Removes the slots that ended at or before `now` (and schedules left empty), and reports
    /// each as its slot's command ending. A slot a command of its source ran over ends quietly.
    mutating func dropEndedSlots(at now: ControlInstant) -> [Expiration] {
        var ended: [Expiration] = []
        for (key, schedule) in schedules {
            let (over, left) = (schedule.slots.filter { $0.end <= now }, schedule.slots.filter { $0.end > now })
            guard !over.isEmpty else { continue }
            let ranOver = commandsHeld.contains { $0.source == key.source && $0.target == key.target }
            for slot in over where !ranOver {
                ended.append(Expiration(command: schedule.command(for: slot), reason: .slotEnded, at: slot.end))
            }
            schedules[key] =
                left.isEmpty ? nil : Schedule(source: schedule.source, target: schedule.target, slots: left)
        }
        return ended
    }

    private func rejection(of schedule: Schedule) -> CommandRejection? {
        guard let kind = configuration.kind(of: schedule.target) else {
            if case .device(let id) = schedule.target { return .unknownDevice(id) }
            return .modeNotForTarget(mode: "schedule", target: schedule.target)
        }
        guard schedule.slots.count <= Schedule.maximumSlots else {
            return .scheduleTooLong(slots: schedule.slots.count, limit: Schedule.maximumSlots)
        }
        let slots = schedule.slots.sorted { $0.start < $1.start }
        for (index, slot) in slots.enumerated() {
            guard slot.mode.kind.deviceKind == kind else {
                return .modeNotForTarget(mode: slot.mode.kind.name, target: schedule.target)
            }
            do { try slot.mode.validate() } catch { return error }
            guard slot.start < slot.end else { return .slotEmpty(start: slot.start, end: slot.end) }
            if index > 0, slots[index - 1].end > slot.start {
                return .slotsOverlap(first: slots[index - 1], second: slot)
            }
        }
        return nil
    }
}
