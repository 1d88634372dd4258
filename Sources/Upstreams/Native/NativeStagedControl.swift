import Control

/// What a master wrote to the native map's writable registers: the control blocks' mode,
/// parameter and duration, the heartbeat, and the schedule table. Parameters and durations
/// written without a mode wait here for the next mode write; the registers read back these
/// values. The schedule table is staged per master connection (its address), so two masters
/// writing slots at the same time each commit only their own; its registers read back what the
/// last master wrote.
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

    /// One master's schedule table: the slot registers as it last wrote them and the index they
    /// name, the slots it staged for its next commit (by index; a commit takes them and clears
    /// them), the target and the slot count.
    struct ScheduleStaging: Sendable, Hashable {
        var slotRegisters = Slot()
        var slotIndex: UInt16 = 0
        var stagedSlots: [Int: Slot] = [:]
        var scheduleTarget: UInt16 = 0
        var slotCount: UInt16 = 0
        /// The write that last touched it, in the count of schedule writes.
        var lastWrite: UInt64 = 0
    }

    /// The most masters whose staging is kept: past it, the one written least recently is
    /// dropped (a master that went away without committing).
    static let maximumStagings = 32

    private var requests: [Target: Request] = [:]
    var heartbeat: UInt16 = 0
    /// Each master's schedule staging, by its address (`ModbusRequestContext.client`).
    private(set) var stagings: [String: ScheduleStaging] = [:]
    /// The schedule registers as the last master wrote them: what they read back.
    private(set) var shown = ScheduleStaging()
    private var scheduleWrites: UInt64 = 0
    /// How many schedules this profile's masters committed (wrapping at 65536).
    var generation: UInt16 = 0

    public init() {}

    /// The schedule staging of the master at `client`.
    func staging(of client: String) -> ScheduleStaging {
        stagings[client] ?? ScheduleStaging()
    }

    /// Stages the slot registers `client` wrote at the index they name.
    mutating func stageSlot(by client: String) {
        var staging = staging(of: client)
        staging.stagedSlots[Int(staging.slotIndex)] = staging.slotRegisters
        stagings[client] = staging
    }

    /// Clears the slots `client` staged (its commit took them).
    mutating func clearStagedSlots(of client: String) {
        stagings[client]?.stagedSlots = [:]
    }

    func request(for group: NativeControlGroup) -> Request {
        requests[group.target] ?? Request()
    }

    /// Sets a writable register as the master at `client` wrote it.
    mutating func set(_ point: NativePoint, to value: Double, by client: String) {
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
            var staging = staging(of: client)
            switch field {
            case .slotIndex: staging.slotIndex = UInt16(value)
            case .slotStart: staging.slotRegisters.start = value
            case .slotDuration: staging.slotRegisters.duration = value
            case .slotMode: staging.slotRegisters.mode = UInt16(value)
            case .slotParameter: staging.slotRegisters.parameter = value
            case .target: staging.scheduleTarget = UInt16(value)
            case .slotCount: staging.slotCount = UInt16(value)
            case .commit: break
            }
            scheduleWrites += 1
            staging.lastWrite = scheduleWrites
            stagings[client] = staging
            shown = staging
            if stagings.count > Self.maximumStagings,
                let oldest = stagings.min(by: { $0.value.lastWrite < $1.value.lastWrite })?.key
            {
                stagings[oldest] = nil
            }
        case .header, .site, .status, .device:
            break
        }
    }
}
