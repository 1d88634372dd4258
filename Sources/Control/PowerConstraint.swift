public import Vocabulary

/// What an ESS mode asks of the power of its target: bounds, plus at most one exact target.
///
/// Constraints from all active commands are intersected with the devices' own limits; the
/// target is clamped into what remains (docs/design.md §2.4).
public struct PowerConstraint: Hashable, Sendable {
    /// The power interval the mode allows, `nil` when it does not bound the power.
    public var bounds: PowerInterval?
    /// The exact power the mode asks for, `nil` when the devices may choose.
    public var target: Watts?
    /// Whether the target is a direction the command must not be carried out against (FORCE,
    /// SET_POWER: clamped past 0 it is lost); a grid controller's power is not: clamped, it is
    /// carried out as far as the bounds allow.
    public var keepsDirection: Bool

    public init(bounds: PowerInterval? = nil, target: Watts? = nil, keepsDirection: Bool = true) {
        self.bounds = bounds
        self.target = target
        self.keepsDirection = keepsDirection
    }

    /// No bounds and no target: the device's own behaviour.
    public static let none = PowerConstraint()
}

extension EssMode {
    /// The mode as constraints: NO_DISCHARGE → [-∞, 0]; LIMIT_CHARGE(x) → [-x, +∞];
    /// NO_CHARGE → [0, +∞]; LIMIT_DISCHARGE(x) → [-∞, x]; FORCE_CHARGE(p) → target −p;
    /// FORCE_DISCHARGE(p) → target +p; SET_POWER(p) → target p; AUTO → nothing.
    public var constraint: PowerConstraint {
        switch self {
        case .auto: .none
        case .noDischarge: PowerConstraint(bounds: PowerInterval(max: 0))
        case .limitCharge(let maxChargePower): PowerConstraint(bounds: PowerInterval(min: -maxChargePower))
        case .noCharge: PowerConstraint(bounds: PowerInterval(min: 0))
        case .limitDischarge(let maxDischargePower): PowerConstraint(bounds: PowerInterval(max: maxDischargePower))
        case .forceCharge(let power): PowerConstraint(target: -power)
        case .forceDischarge(let power): PowerConstraint(target: power)
        case .setPower(let power): PowerConstraint(target: power)
        // Their power comes from their controller at each decision (ControlCore.decide).
        case .gridSetpoint, .gridLimit, .chargeToSoc: .none
        }
    }
}
