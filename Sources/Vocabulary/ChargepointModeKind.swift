/// The chargepoint control modes without their parameters. Codes 0–3 are OpenEMS EVSE's
/// `Mode` values (ZERO, MINIMUM, SURPLUS, FORCE); LIMIT is busbar's own.
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

    /// The stable name, e.g. `"SURPLUS"`.
    public var name: String {
        switch self {
        case .zero: "ZERO"
        case .minimum: "MINIMUM"
        case .surplus: "SURPLUS"
        case .force: "FORCE"
        case .limit: "LIMIT"
        }
    }

    /// The parameters a command of this mode carries.
    public var parameters: [ModeParameter] {
        self == .limit ? [.current(.current)] : []
    }
}
