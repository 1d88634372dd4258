/// The chargepoint control modes without their parameters. Codes 0–3 are OpenEMS EVSE's
/// `Mode` values (ZERO, MINIMUM, SURPLUS, FORCE); LIMIT and CHARGE_ENERGY are busbar's own.
public enum ChargepointModeKind: UInt16, CodedModeKind {
    /// Off: 0 A.
    case zero = 0
    /// The minimum charging current, 6 A.
    case minimum = 1
    /// Only surplus power: follows the grid meter, starting at the 6 A minimum.
    case surplus = 2
    /// The chargepoint's maximum current.
    case force = 3
    /// A cap on the current: the chargepoint charges at most `current` A.
    case limit = 4
    /// Energy target: the chargepoint delivers `targetEnergy` kWh (by its energy counter) by the
    /// command's end, as late and as evenly as its currents allow (or as soon as possible with
    /// `asap`), then the command ends. Carried out with the LIMIT recipe.
    case chargeEnergy = 5

    /// The stable name, e.g. `"SURPLUS"`.
    public var name: String {
        switch self {
        case .zero: "ZERO"
        case .minimum: "MINIMUM"
        case .surplus: "SURPLUS"
        case .force: "FORCE"
        case .limit: "LIMIT"
        case .chargeEnergy: "CHARGE_ENERGY"
        }
    }

    /// The parameters a command of this mode carries.
    public var parameters: [ModeParameter] {
        switch self {
        case .zero, .minimum, .surplus, .force: []
        case .limit: [.current(.current)]
        case .chargeEnergy: [.energy(.targetEnergy), .flag(.asap)]
        }
    }

    /// Whether a controller in the control core turns the mode into a current at every decision
    /// (CHARGE_ENERGY), carried out by the chargepoints' LIMIT recipes.
    public var isControlled: Bool { self == .chargeEnergy }

    /// Whether the mode plans toward the command's end (CHARGE_ENERGY delivers its energy by
    /// then): JSON names that end `by`.
    public var plansTowardEnd: Bool { self == .chargeEnergy }

    /// The recipe a chargepoint carries the mode out with: LIMIT for the controlled mode, else
    /// its own.
    public var recipe: ChargepointModeKind { isControlled ? .limit : self }
}
