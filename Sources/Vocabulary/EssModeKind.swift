/// The ESS control modes without their parameters, with the stable codes and names that
/// register maps and JSON APIs use.
public enum EssModeKind: UInt16, CodedModeKind {
    /// No override: the devices' own behaviour.
    case auto = 0
    /// Discharge ≤ 0; charging stays allowed (OpenEMS ToU DELAY_DISCHARGE), not "hold at 0".
    case noDischarge = 1
    /// Charge power limited to `maxChargePower`; discharging stays allowed.
    case limitCharge = 2
    /// Charge ≤ 0; discharging stays allowed.
    case noCharge = 3
    /// Discharge power limited to `maxDischargePower`; charging stays allowed.
    case limitDischarge = 4
    /// Charge with exactly `power` W (clamped to what the devices allow).
    case forceCharge = 5
    /// Discharge with exactly `power` W (clamped to what the devices allow).
    case forceDischarge = 6
    /// Full override: exactly `power` W, positive = discharge.
    case setPower = 7
    /// Logical integration: the batteries hold the grid connection point at `gridPower` W
    /// (+ import, − export; 0 = self-consumption), corrected at every meter reading.
    case gridSetpoint = 8
    /// Peak shaving: the batteries act only while the grid exceeds `maxImport` W of import or
    /// `maxExport` W of export, and hold it at that limit.
    case gridLimit = 9
    /// Energy target: the batteries reach `targetSoc` % by the command's end, charging as late and as
    /// evenly as their limits allow (or as soon as possible with `asap`), then hold it.
    case chargeToSoc = 10

    /// The stable name, e.g. `"NO_DISCHARGE"`.
    public var name: String {
        switch self {
        case .auto: "AUTO"
        case .noDischarge: "NO_DISCHARGE"
        case .limitCharge: "LIMIT_CHARGE"
        case .noCharge: "NO_CHARGE"
        case .limitDischarge: "LIMIT_DISCHARGE"
        case .forceCharge: "FORCE_CHARGE"
        case .forceDischarge: "FORCE_DISCHARGE"
        case .setPower: "SET_POWER"
        case .gridSetpoint: "GRID_SETPOINT"
        case .gridLimit: "GRID_LIMIT"
        case .chargeToSoc: "CHARGE_TO_SOC"
        }
    }

    /// The parameters a command of this mode carries.
    public var parameters: [ModeParameter] {
        switch self {
        case .auto, .noDischarge, .noCharge: []
        case .limitCharge: [.power(.maxChargePower)]
        case .limitDischarge: [.power(.maxDischargePower)]
        case .forceCharge, .forceDischarge: [.power(.power)]
        case .setPower: [.power(.power, signed: true)]
        case .gridSetpoint: [.power(.gridPower, signed: true)]
        case .gridLimit: [.power(.maxImport), .power(.maxExport, default: ModeParameter.powerLimit)]
        case .chargeToSoc: [.percent(.targetSoc), .flag(.asap)]
        }
    }

    /// Whether the mode follows the grid meter: a controller turns it into a cluster power at
    /// every decision, carried out by the batteries' SET_POWER recipes.
    public var followsGrid: Bool { self == .gridSetpoint || self == .gridLimit }

    /// Whether a controller in the control core turns the mode into a cluster power at every
    /// decision (the grid modes, CHARGE_TO_SOC), carried out by the batteries' SET_POWER recipes.
    public var isControlled: Bool { followsGrid || self == .chargeToSoc }

    /// Whether the mode plans toward the command's end (CHARGE_TO_SOC meets its target by then):
    /// JSON names that end `by`.
    public var plansTowardEnd: Bool { self == .chargeToSoc }

    /// The recipe a device carries the mode out with: SET_POWER for the controlled modes, else
    /// its own.
    public var recipe: EssModeKind { isControlled ? .setPower : self }
}
