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
        }
    }

    /// The value of the mode's parameter, if it takes one.
    public var parameterValue: Watts? {
        switch self {
        case .auto, .noDischarge, .noCharge: nil
        case .limitCharge(let value), .limitDischarge(let value), .forceCharge(let value),
            .forceDischarge(let value), .setPower(let value):
            value
        }
    }

    /// The mode of `kind` with `parameter`, as decoded from a register block or a JSON body.
    /// Throws when a required parameter is missing or outside the documented range; a
    /// parameter given to a mode that takes none is ignored.
    public init(kind: EssModeKind, parameter: Watts?) throws(CommandRejection) {
        if let spec = kind.parameter {
            guard let parameter else { throw .parameterMissing(mode: kind.name, parameter: spec.name) }
            try spec.validate(parameter, of: kind.name)
        }
        let value = parameter ?? 0
        switch kind {
        case .auto: self = .auto
        case .noDischarge: self = .noDischarge
        case .limitCharge: self = .limitCharge(maxChargePower: value)
        case .noCharge: self = .noCharge
        case .limitDischarge: self = .limitDischarge(maxDischargePower: value)
        case .forceCharge: self = .forceCharge(power: value)
        case .forceDischarge: self = .forceDischarge(power: value)
        case .setPower: self = .setPower(value)
        }
    }

    /// Checks the parameter against its documented range.
    public func validate() throws(CommandRejection) {
        if let spec = kind.parameter, let value = parameterValue {
            try spec.validate(value, of: kind.name)
        }
    }

    public var description: String {
        guard let spec = kind.parameter, let value = parameterValue else { return kind.name }
        return "\(kind.name)(\(spec.name): \(ModeParameter.format(value)) \(spec.unit.rawValue))"
    }
}
