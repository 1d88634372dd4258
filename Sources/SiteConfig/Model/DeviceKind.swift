/// What a device is, which decides the points the gateway reads and the modes it may carry out.
public enum DeviceKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case battery
    case chargepoint
    case meter

    /// Points with these names carry a role the gateway reads, with the unit busbar expects
    /// (docs/design.md §2.1 signs: battery W positive = discharge, grid W positive = import,
    /// chargepoint W positive = charging). Nil where the point has no unit (status codes).
    public var wellKnownPoints: [String: String?] {
        switch self {
        case .battery:
            [
                "soc": "%", "active_power": "W", "allowed_charge_power": "W", "allowed_discharge_power": "W",
                "capacity": "Wh", "state": nil, "max_charge_power": "W", "max_discharge_power": "W",
            ]
        case .chargepoint:
            [
                "status": nil, "plugged": nil, "active_power": "W", "current_limit": "A", "phases": nil,
                "energy": "Wh",
            ]
        case .meter:
            [
                "active_power": "W", "active_power_l1": "W", "active_power_l2": "W", "active_power_l3": "W",
                "energy_import": "Wh", "energy_export": "Wh",
            ]
        }
    }

    /// The modes a map of this kind may define.
    public var modes: [ControlMode] { ControlMode.allCases.filter { $0.kind == self } }

    public var description: String { rawValue }
}
