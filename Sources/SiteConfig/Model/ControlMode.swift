/// The busbar modes of docs/design.md §2.2, spelt as device maps and masters name them.
public enum ControlMode: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    // Batteries.
    case auto = "AUTO"
    case noDischarge = "NO_DISCHARGE"
    case limitCharge = "LIMIT_CHARGE"
    case noCharge = "NO_CHARGE"
    case limitDischarge = "LIMIT_DISCHARGE"
    case forceCharge = "FORCE_CHARGE"
    case forceDischarge = "FORCE_DISCHARGE"
    case setPower = "SET_POWER"
    // Chargepoints (OpenEMS EVSE semantics).
    case zero = "ZERO"
    case minimum = "MINIMUM"
    case surplus = "SURPLUS"
    case force = "FORCE"
    case limit = "LIMIT"

    /// The kind of device the mode applies to.
    public var kind: DeviceKind {
        switch self {
        case .auto, .noDischarge, .limitCharge, .noCharge, .limitDischarge, .forceCharge, .forceDischarge, .setPower:
            .battery
        case .zero, .minimum, .surplus, .force, .limit:
            .chargepoint
        }
    }

    /// The parameters a recipe of this mode may use, besides points and constants.
    ///
    /// `power` of SET_POWER is signed (W, positive = discharge); `power` of FORCE_CHARGE and
    /// FORCE_DISCHARGE, `maxChargePower` and `maxDischargePower` are magnitudes (W, ≥ 0);
    /// `current` is amperes per phase, as the control core chose it for the chargepoint.
    public var parameters: [String] {
        switch self {
        case .setPower, .forceCharge, .forceDischarge: ["power"]
        case .limitCharge: ["maxChargePower"]
        case .limitDischarge: ["maxDischargePower"]
        case .auto, .noDischarge, .noCharge, .zero: []
        case .minimum, .surplus, .force, .limit: ["current"]
        }
    }

    /// Every parameter name any mode takes; point names may not shadow them.
    public static let parameterNames: Set<String> = Set(allCases.flatMap(\.parameters))

    public static func < (lhs: ControlMode, rhs: ControlMode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var description: String { rawValue }
}
