/// A reading the gateway understands, by the point name a device map gives it, with the unit
/// busbar works in. Signs: battery W positive = discharge, grid W positive = import,
/// chargepoint W positive = charging, PV W positive = producing.
public enum TelemetryRole: String, Hashable, Sendable, CaseIterable {
    case soc
    case activePower = "active_power"
    case activePowerL1 = "active_power_l1"
    case activePowerL2 = "active_power_l2"
    case activePowerL3 = "active_power_l3"
    case allowedChargePower = "allowed_charge_power"
    case allowedDischargePower = "allowed_discharge_power"
    case maxChargePower = "max_charge_power"
    case maxDischargePower = "max_discharge_power"
    case capacity
    case state
    case status
    case plugged
    case currentLimit = "current_limit"
    case phases
    case energy
    case energyImport = "energy_import"
    case energyExport = "energy_export"

    /// The point name a device map uses.
    public var pointName: String { rawValue }

    /// The unit busbar expects the point in; `nil` for codes, flags and counts.
    public var unit: String? {
        switch self {
        case .soc: "%"
        case .activePower, .activePowerL1, .activePowerL2, .activePowerL3, .allowedChargePower,
            .allowedDischargePower, .maxChargePower, .maxDischargePower:
            "W"
        case .capacity, .energy, .energyImport, .energyExport: "Wh"
        case .currentLimit: "A"
        case .state, .status, .plugged, .phases: nil
        }
    }

    /// The device kinds that report this role.
    public var kinds: Set<DeviceKind> {
        switch self {
        case .soc, .allowedChargePower, .allowedDischargePower, .maxChargePower, .maxDischargePower, .capacity,
            .state:
            [.battery]
        case .activePower: [.battery, .chargepoint, .meter, .pv]
        case .activePowerL1, .activePowerL2, .activePowerL3: [.meter, .pv]
        case .status, .plugged, .currentLimit, .phases: [.chargepoint]
        case .energy: [.chargepoint, .pv]
        case .energyImport, .energyExport: [.meter]
        }
    }

    /// The role a point of a `kind` device named `pointName` has, if any.
    public init?(pointName: String, of kind: DeviceKind) {
        guard let role = TelemetryRole(rawValue: pointName), role.kinds.contains(kind) else { return nil }
        self = role
    }
}
