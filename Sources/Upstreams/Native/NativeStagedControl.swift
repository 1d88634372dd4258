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

    private var requests: [Target: Request] = [:]
    var heartbeat: UInt16 = 0

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
        case .header, .site, .status, .device:
            break
        }
    }
}
