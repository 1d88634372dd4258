public import Control
public import Foundation
public import Gateway
import Vocabulary

/// A checked `activateControlModes` document (a push response or a `POST /api/control-modes`
/// body): every target, mode, parameter and date in it is valid, so applying it cannot fail
/// half-way for a reason the request itself carries.
public struct ControlRequest: Sendable, Hashable {
    /// What to do on one target now.
    public var changes: [ModeChange]
    /// The new schedule: `nil` keeps the one in force, an empty list clears it.
    public var schedule: [ScheduleSlot]?

    public init(changes: [ModeChange] = [], schedule: [ScheduleSlot]? = nil) {
        self.changes = changes
        self.schedule = schedule
    }

    /// A request that changes nothing (an empty response, or one without `activateControlModes`).
    public var isEmpty: Bool { changes.isEmpty && schedule == nil }
}

/// One target's entry in `activateControlModes`.
public struct ModeChange: Sendable, Hashable {
    /// The target.
    public var target: Target
    /// The mode to run; `nil` (JSON `null`) ends what the source holds on the target.
    public var mode: Mode?
    /// The explicit end; `nil` lets the command run while the source keeps repeating it.
    public var end: RequestedEnd?
    /// `while: {charging: …}`: in force only while one of these chargepoints charges.
    public var activeWhileCharging: ChargepointSelection?

    public init(
        target: Target, mode: Mode?, end: RequestedEnd? = nil, activeWhileCharging: ChargepointSelection? = nil
    ) {
        self.target = target
        self.mode = mode
        self.end = end
        self.activeWhileCharging = activeWhileCharging
    }

    /// The command for this change, issued at `time`; `nil` for a deactivation.
    public func command(from source: SourceID, at time: TimeBase) -> Command? {
        guard let mode else { return nil }
        var commandEnd: Command.End?
        var idle: IdleCondition?
        switch end {
        case nil: break
        case .duration(let duration): commandEnd = .after(duration)
        case .until(let date): commandEnd = .at(time.instant(at: date))
        case .idle(let condition): idle = condition
        }
        return Command(
            source: source, target: target, mode: mode, issuedAt: time.control, end: commandEnd,
            activeWhileCharging: activeWhileCharging, endsWhenIdle: idle)
    }
}

/// The "fire and forget" end of a mode.
public enum RequestedEnd: Sendable, Hashable {
    /// At this wall-clock time (`until`, ISO 8601).
    case until(Date)
    /// This long after the request arrived (`duration`, seconds).
    case duration(Duration)
    /// Once the chargepoints have been idle for a while (`until: {idle: …}`).
    case idle(IdleCondition)
}

/// A slot of a schedule as a request carries it (`{start, duration | end, activateControlModes}`,
/// or the OpenEMS Balancing Schedule's `{startTimestamp, duration, activePowerSetPoint}`): from
/// `start` for `duration`, the modes it names per target; a `null` leaves a gap on its target.
public struct ScheduleSlot: Sendable, Hashable {
    /// When the slot begins (wall clock).
    public var start: Date
    /// How long its modes run.
    public var duration: Duration
    /// Its modes, without ends of their own.
    public var changes: [ModeChange]

    public init(start: Date, duration: Duration, changes: [ModeChange]) {
        self.start = start
        self.duration = duration
        self.changes = changes
    }

    /// When the slot ends.
    public var end: Date { start.addingTimeInterval(duration.seconds) }

    /// The control core's schedules for `slots` from `source`, one per target they name (a
    /// target whose every slot is `null` gets an empty schedule, which clears it), by target.
    package static func schedules(_ slots: [ScheduleSlot], from source: SourceID, at time: TimeBase) -> [Schedule] {
        var byTarget: [Target: [Schedule.Slot]] = [:]
        for slot in slots {
            for change in slot.changes {
                guard let mode = change.mode else {
                    byTarget[change.target, default: []] += []
                    continue
                }
                byTarget[change.target, default: []].append(
                    Schedule.Slot(start: time.instant(at: slot.start), end: time.instant(at: slot.end), mode: mode))
            }
        }
        return byTarget.keys.sorted().map { Schedule(source: source, target: $0, slots: byTarget[$0]!) }
    }
}
