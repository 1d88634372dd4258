public import Vocabulary

/// A chargepoint control mode with its parameter (docs/design.md §2.2, OpenEMS EVSE semantics).
/// Currents are amperes per phase.
public enum ChargepointMode: Hashable, Sendable, CustomStringConvertible {
    /// Off: 0 A.
    case zero
    /// The minimum current, 6 A.
    case minimum
    /// Surplus power only, with hysteresis.
    case surplus
    /// The chargepoint's maximum current.
    case force
    /// At most `current` A. Below the 6 A minimum a chargepoint cannot charge, so a limit under
    /// 6 A means off: a limit is a ceiling and rounding it up to 6 A would break it.
    case limit(current: Amperes)
    /// `energy` kWh delivered by the command's end (`ChargeEnergyController`): as late and as
    /// evenly as the chargepoint's currents allow, or as soon as possible with `asap`; the command
    /// ends once the energy is delivered.
    case chargeEnergy(energy: Double, asap: Bool)

    /// The smallest current at which a chargepoint charges (IEC 61851).
    public static let minimumCurrent: Amperes = minimumChargingCurrent

    /// The mode without its parameter.
    public var kind: ChargepointModeKind {
        switch self {
        case .zero: .zero
        case .minimum: .minimum
        case .surplus: .surplus
        case .force: .force
        case .limit: .limit
        case .chargeEnergy: .chargeEnergy
        }
    }

    /// The value of the mode's first parameter, if it takes one (LIMIT's current in A,
    /// CHARGE_ENERGY's energy in kWh).
    public var parameterValue: Double? {
        switch self {
        case .limit(let current): current
        case .chargeEnergy(let energy, _): energy
        case .zero, .minimum, .surplus, .force: nil
        }
    }

    /// The parameter values by name.
    public var parameterValues: [ModeParameter.Name: Double] {
        if case .chargeEnergy(let energy, let asap) = self { return [.targetEnergy: energy, .asap: asap ? 1 : 0] }
        return ModeKind.chargepoint(kind).values(parameterValue)
    }

    /// The mode of `kind` with `parameters`, as decoded from a register block or a JSON body.
    /// Throws when a required parameter is missing or outside the documented range.
    public init(kind: ChargepointModeKind, parameters: [ModeParameter.Name: Double]) throws(CommandRejection) {
        try ModeKind.chargepoint(kind).validate(parameters)
        let parameters = ModeKind.chargepoint(kind).completed(parameters)
        switch kind {
        case .zero: self = .zero
        case .minimum: self = .minimum
        case .surplus: self = .surplus
        case .force: self = .force
        case .limit: self = .limit(current: parameters[.current] ?? 0)
        case .chargeEnergy:
            self = .chargeEnergy(energy: parameters[.targetEnergy] ?? 0, asap: (parameters[.asap] ?? 0) >= 0.5)
        }
    }

    /// The mode of `kind` with its one parameter, if it takes one.
    public init(kind: ChargepointModeKind, parameter: Amperes?) throws(CommandRejection) {
        try self.init(kind: kind, parameters: ModeKind.chargepoint(kind).values(parameter))
    }

    /// Checks the parameters against their documented ranges.
    public func validate() throws(CommandRejection) {
        try ModeKind.chargepoint(kind).validate(parameterValues)
    }

    public var description: String { ModeKind.chargepoint(kind).describe(parameterValues) }
}
