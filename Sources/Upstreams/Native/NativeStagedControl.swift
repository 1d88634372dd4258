import Control

/// What a master wrote to the native map's writable registers: the control blocks' mode,
/// parameter and duration, and the heartbeat. Parameters and durations written without a mode
/// wait here for the next mode write; the registers read back these values.
public struct NativeStagedControl: Sendable, Hashable {
    /// The values of one control block.
    struct Request: Sendable, Hashable {
        /// The last mode code written; `nil` before the first.
        var modeCode: UInt16?
        var parameter: Double = 0
        var duration: Double = 0

        var mode: UInt16 { modeCode ?? 0 }
    }

    /// One slot of the schedule table as written: start (Unix s), length (s), mode, parameter.
    struct Slot: Sendable, Hashable {
        var start: Double = 0
        var duration: Double = 0
        var mode: UInt16 = 0
        var parameter: Double = 0
    }

    private var requests: [Target: Request] = [:]
    var heartbeat: UInt16 = 0
    /// The schedule table's slot registers as last written, and the index they name.
    var slotRegisters = Slot()
    var slotIndex: UInt16 = 0
    /// The slots staged for the next commit, by index; a commit takes them and clears them.
    var stagedSlots: [Int: Slot] = [:]
    var scheduleTarget: UInt16 = 0
    var slotCount: UInt16 = 0
    /// How many schedules this profile's masters committed (wrapping at 65536).
    var generation: UInt16 = 0

    public init() {}

    func request(for group: NativeControlGroup) -> Request {
        requests[group.target] ?? Request()
    }

    mutating func set(_ point: NativePoint, to value: Double) {
        switch point {
        case .heartbeat:
            heartbeat = UInt16(value)
        case .control(let group, let field):
            var request = request(for: group)
            switch field {
            case .mode: request.modeCode = UInt16(value)
            case .parameter: request.parameter = value
            case .duration: request.duration = value
            }
            requests[group.target] = request
        case .schedule(let field):
            switch field {
            case .slotIndex: slotIndex = UInt16(value)
            case .slotStart: slotRegisters.start = value
            case .slotDuration: slotRegisters.duration = value
            case .slotMode: slotRegisters.mode = UInt16(value)
            case .slotParameter: slotRegisters.parameter = value
            case .target: scheduleTarget = UInt16(value)
            case .slotCount: slotCount = UInt16(value)
            case .commit: break
            }
        case .header, .site, .status, .device:
            break
        }
    }
}
