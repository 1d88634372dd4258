/// A control mode without its parameters: what a device can carry out, what a target offers as
/// available, and what a device map names a recipe after.
///
/// Its raw value is the stable name (`"LIMIT_CHARGE"`); names are unique over both kinds.
public enum ModeKind: Hashable, Comparable, Sendable, CaseIterable, RawRepresentable, CustomStringConvertible {
    /// An ESS mode.
    case ess(EssModeKind)
    /// A chargepoint mode.
    case chargepoint(ChargepointModeKind)

    /// Every ESS mode kind, by code.
    public static let allEss: [ModeKind] = EssModeKind.allCases.map(ModeKind.ess)
    /// Every chargepoint mode kind, by code.
    public static let allChargepoint: [ModeKind] = ChargepointModeKind.allCases.map(ModeKind.chargepoint)
    /// ESS kinds, then chargepoint kinds.
    public static let allCases: [ModeKind] = allEss + allChargepoint

    /// The kind with the stable name `rawValue`, e.g. `"NO_DISCHARGE"`.
    public init?(rawValue: String) {
        if let ess = EssModeKind(name: rawValue) {
            self = .ess(ess)
        } else if let chargepoint = ChargepointModeKind(name: rawValue) {
            self = .chargepoint(chargepoint)
        } else {
            return nil
        }
    }

    /// The stable name, e.g. `"LIMIT_CHARGE"`.
    public var rawValue: String { name }

    /// The recipe a device carries the mode out with: its own, or for the controlled modes
    /// SET_POWER (batteries) or LIMIT (chargepoints).
    public var recipe: ModeKind {
        switch self {
        case .ess(let kind): .ess(kind.recipe)
        case .chargepoint(let kind): .chargepoint(kind.recipe)
        }
    }

    /// Whether a controller in the control core carries the mode out (the grid modes,
    /// CHARGE_TO_SOC, CHARGE_ENERGY), through another mode's recipe.
    public var isControlled: Bool {
        switch self {
        case .ess(let kind): kind.isControlled
        case .chargepoint(let kind): kind.isControlled
        }
    }

    /// Whether the mode plans toward the command's end, which JSON names `by` (CHARGE_TO_SOC,
    /// CHARGE_ENERGY).
    public var plansTowardEnd: Bool {
        switch self {
        case .ess(let kind): kind.plansTowardEnd
        case .chargepoint(let kind): kind.plansTowardEnd
        }
    }

    /// The telemetry every device the mode's target reaches must report for the mode to be
    /// available (CHARGE_ENERGY counts the chargepoint's energy register).
    public var requiredTelemetry: [TelemetryRole] {
        self == .chargepoint(.chargeEnergy) ? [.energy] : []
    }

    /// The kind of device the mode is for.
    public var deviceKind: DeviceKind {
        switch self {
        case .ess: .battery
        case .chargepoint: .chargepoint
        }
    }

    /// The stable numeric code, unique within the device kind.
    public var code: UInt16 {
        switch self {
        case .ess(let kind): kind.code
        case .chargepoint(let kind): kind.code
        }
    }

    /// The stable name, e.g. `"LIMIT_CHARGE"`.
    public var name: String {
        switch self {
        case .ess(let kind): kind.name
        case .chargepoint(let kind): kind.name
        }
    }

    /// The parameters a command of this mode carries, in the order registers and documents list
    /// them.
    public var parameters: [ModeParameter] {
        switch self {
        case .ess(let kind): kind.parameters
        case .chargepoint(let kind): kind.parameters
        }
    }

    /// The parameters a device map's recipe for this mode may use. For ESS modes these are the
    /// command's parameters; every chargepoint recipe but ZERO is carried out with the current
    /// the control core chose for the chargepoint.
    public var recipeParameters: [ModeParameter.Name] {
        switch self {
        case .ess(let kind): kind.parameters.map(\.name)
        case .chargepoint(.zero): []
        case .chargepoint: [.current]
        }
    }

    /// The mode's name with its parameter values and units: `LIMIT_CHARGE(maxChargePower: 2000 W)`.
    public func describe(_ values: [ModeParameter.Name: Double]) -> String {
        let shown = describeParameters(values)
        return shown.isEmpty ? name : "\(name)(\(shown.joined(separator: ", ")))"
    }

    /// Each parameter value given with its name and unit, in the mode's order: `maxChargePower: 2000 W`.
    public func describeParameters(_ values: [ModeParameter.Name: Double]) -> [String] {
        parameters.compactMap { spec in
            values[spec.name].map { value in
                let shown = "\(spec.name): \(ModeParameter.format(value))"
                return spec.unit == .flag ? shown : "\(shown) \(spec.unit.rawValue)"
            }
        }
    }

    /// ESS kinds before chargepoint kinds, each by code.
    public static func < (lhs: ModeKind, rhs: ModeKind) -> Bool {
        (lhs.deviceKind == .battery ? 0 : 1, lhs.code) < (rhs.deviceKind == .battery ? 0 : 1, rhs.code)
    }

    public var description: String { name }
}

extension Collection<ModeKind> {
    /// The modes as a bitmask, bit `code` set for each mode (the `availableModes` register).
    public var bitmask: UInt32 {
        reduce(0) { $0 | (1 << UInt32($1.code)) }
    }
}
