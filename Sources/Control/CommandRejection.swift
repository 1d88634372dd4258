import Vocabulary

/// Why a command was refused. A refused command changes nothing, not even its source's
/// watchdog. Upstream profiles answer it with Modbus exception 0x02 or 0x03.
public enum CommandRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The source is not configured.
    case unknownSource(SourceID)
    /// The target names a device the site does not have.
    case unknownDevice(DeviceID)
    /// The mode is for another kind of device than the target.
    case modeNotForTarget(mode: String, target: Target)
    /// The mode needs a parameter and none was given.
    case parameterMissing(mode: String, parameter: String)
    /// The parameter is outside the documented range.
    case parameterOutOfRange(mode: String, parameter: String, value: Double, range: ClosedRange<Double>)
    /// The explicit end is not after the instant the command arrived.
    case endNotInFuture(end: ControlInstant, now: ControlInstant)
    /// A schedule holds more slots than a week of 15-minute slots.
    case scheduleTooLong(slots: Int, limit: Int)
    /// A schedule slot does not end after it starts.
    case slotEmpty(start: ControlInstant, end: ControlInstant)
    /// Two slots of one schedule overlap.
    case slotsOverlap(first: Schedule.Slot, second: Schedule.Slot)
    /// A replacement of one source's schedules carries another source's.
    case scheduleOfOtherSource(SourceID)
    /// A replacement names the same target twice.
    case scheduleTwice(Target)

    public var description: String {
        switch self {
        case .unknownSource(let source):
            "unknown source '\(source)': add it to the site's sources"
        case .unknownDevice(let device):
            "unknown device '\(device)'"
        case .modeNotForTarget(let mode, let target):
            "mode \(mode) does not apply to target '\(target)'"
        case .parameterMissing(let mode, let parameter):
            "mode \(mode) needs its parameter \(parameter)"
        case .parameterOutOfRange(let mode, let parameter, let value, let range):
            "\(mode): \(parameter) = \(value) is outside \(range.lowerBound)...\(range.upperBound)"
        case .endNotInFuture(let end, let now):
            "the command ends at \(end), not after now (\(now))"
        case .scheduleTooLong(let slots, let limit):
            "the schedule has \(slots) slots; at most \(limit) (a week of 15-minute slots) are taken"
        case .slotEmpty(let start, let end):
            "a schedule slot must end after it starts (start \(start), end \(end))"
        case .slotsOverlap(let first, let second):
            "schedule slots overlap: \(first) and \(second)"
        case .scheduleOfOtherSource(let source):
            "the replacement carries a schedule of another source ('\(source)')"
        case .scheduleTwice(let target):
            "the replacement names target '\(target)' twice"
        }
    }
}
