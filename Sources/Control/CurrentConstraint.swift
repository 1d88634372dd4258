public import Vocabulary

/// What a chargepoint mode asks of a chargepoint's current: a cap, or a current to aim for.
public enum CurrentConstraint: Hashable, Sendable {
    /// The current the mode aims for.
    public enum Aim: Hashable, Sendable {
        /// 0 A, off.
        case off
        /// The 6 A minimum.
        case minimum
        /// What the surplus allows, with hysteresis.
        case surplus
        /// The chargepoint's maximum current.
        case maximum
        /// This current, as a controller chose it (CHARGE_ENERGY): at least the minimum when it
        /// is above 0, at most the chargepoint's ceiling.
        case current(Amperes)
    }

    /// At most this many amperes (0 means off); the chargepoint otherwise runs itself.
    case cap(Amperes)
    /// Aim for this current.
    case aim(Aim)
}

extension ChargepointMode {
    /// The mode as a constraint: ZERO → off; MINIMUM → 6 A; FORCE → the maximum; SURPLUS →
    /// the surplus; LIMIT(c) → a cap of c, or of 0 when c is below the 6 A minimum. CHARGE_ENERGY's
    /// current is its controller's at each decision: as a constraint of its own it caps nothing.
    public var constraint: CurrentConstraint {
        switch self {
        case .zero: .aim(.off)
        case .minimum: .aim(.minimum)
        case .surplus: .aim(.surplus)
        case .force: .aim(.maximum)
        case .limit(let current): .cap(current >= Self.minimumCurrent ? current : 0)
        case .chargeEnergy: .cap(.infinity)
        }
    }
}
