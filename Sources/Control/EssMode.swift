public import Vocabulary

/// An ESS control mode with its parameter (docs/design.md §2.2). Powers are in watts; every
/// parameter except `setPower`'s is a magnitude (≥ 0).
public enum EssMode: Hashable, Sendable, CustomStringConvertible {
    /// No override: the devices' own behaviour.
    case auto
    /// Discharge ≤ 0; charging stays allowed.
    case noDischarge
    /// Charge at most `maxChargePower` W; discharging stays allowed.
    case limitCharge(maxChargePower: Watts)
    /// Charge ≤ 0; discharging stays allowed.
    case noCharge
    /// Discharge at most `maxDischargePower` W; charging stays allowed.
    case limitDischarge(maxDischargePower: Watts)
    /// Charge with `power` W.
    case forceCharge(power: Watts)
    /// Discharge with `power` W.
    case forceDischarge(power: Watts)
    /// Exactly this power: positive = discharge, negative = charge.
    case setPower(Watts)
    /// The grid held at `gridPower` W (+ import) by the batteries (`GridController`).
    case gridSetpoint(gridPower: Watts)
    /// The grid kept inside −`maxExport`…`maxImport` W by the batteries (`GridController`).
    case gridLimit(maxImport: Watts, maxExport: Watts)
    /// The batteries charged to `soc` % by the command's end (`SocTargetController`): as late
    /// and as evenly as their limits allow, or as soon as possible when `asap` (or without an end).
    case chargeToSoc(soc: Percent, asap: Bool)

    /// The mode without its parameter.
    public var kind: EssModeKind {
        switch self {
        case .auto: .auto
        case .noDischarge: .noDischarge
        case .limitCharge: .limitCharge
        case .noCharge: .noCharge
        case .limitDischarge: .limitDischarge
        case .forceCharge: .forceCharge
        case .forceDischarge: .forceDischarge
        case .setPower: .setPower
        case .gridSetpoint: .gridSetpoint
        case .gridLimit: .gridLimit
        case .chargeToSoc: .chargeToSoc
        }
    }

    /// The value of the mode's first parameter, if it takes one.
    public var parameterValue: Watts? {
        switch self {
        case .auto, .noDischarge, .noCharge: nil
        case .limitCharge(let value), .limitDischarge(let value), .forceCharge(let value),
            .forceDischarge(let value), .setPower(let value), .gridSetpoint(let value), .gridLimit(let value, _),
            .chargeToSoc(let value, _):
            value
        }
    }

    /// The parameter values by name.
    public var parameterValues: [ModeParameter.Name: Double] {
        if case .gridLimit(let maxImport, let maxExport) = self {
            return [.maxImport: maxImport, .maxExport: maxExport]
        }
        if case .chargeToSoc(let soc, let asap) = self {
            return [.targetSoc: soc, .asap: asap ? 1 : 0]
        }
        return ModeKind.ess(kind).values(parameterValue)
    }

    /// The mode of `kind` with `parameters`, as decoded from a register block or a JSON body.
    /// Throws when a required parameter is missing or outside the documented range; a
    /// parameter the mode does not take is ignored.
    public init(kind: EssModeKind, parameters: [ModeParameter.Name: Double]) throws(CommandRejection) {
        try ModeKind.ess(kind).validate(parameters)
        let parameters = ModeKind.ess(kind).completed(parameters)
        let value = kind.parameters.first.flatMap { parameters[$0.name] } ?? 0
        switch kind {
        case .auto: self = .auto
        case .noDischarge: self = .noDischarge
        case .limitCharge: self = .limitCharge(maxChargePower: value)
        case .noCharge: self = .noCharge
        case .limitDischarge: self = .limitDischarge(maxDischargePower: value)
        case .forceCharge: self = .forceCharge(power: value)
        case .forceDischarge: self = .forceDischarge(power: value)
        case .setPower: self = .setPower(value)
        case .gridSetpoint: self = .gridSetpoint(gridPower: value)
        case .gridLimit:
            self = .gridLimit(maxImport: value, maxExport: parameters[.maxExport] ?? ModeParameter.powerLimit)
        case .chargeToSoc:
            self = .chargeToSoc(soc: value, asap: (parameters[.asap] ?? 0) >= 0.5)
        }
    }

    /// The mode of `kind` with its one parameter, if it takes one.
    public init(kind: EssModeKind, parameter: Watts?) throws(CommandRejection) {
        try self.init(kind: kind, parameters: ModeKind.ess(kind).values(parameter))
    }

    /// Checks the parameters against their documented ranges.
    public func validate() throws(CommandRejection) {
        try ModeKind.ess(kind).validate(parameterValues)
    }

    public var description: String { ModeKind.ess(kind).describe(parameterValues) }
}
