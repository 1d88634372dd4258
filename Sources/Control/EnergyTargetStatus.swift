public import Vocabulary

/// How an energy target (CHARGE_TO_SOC) stands at a decision: what is left to store, the power
/// asked for it now, and what cannot be stored by the command's end even at the most the limits
/// allow.
public struct EnergyTargetStatus: Hashable, Sendable {
    /// Energy still to store to reach the target, Wh (≥ 0).
    public var remaining: WattHours
    /// The power asked for now, W (negative = charge; 0 while the target is held).
    public var power: Watts
    /// The energy the target will lack at its end at the most the constraints allow, Wh (0 when
    /// it is met in time; with no end, only what the batteries' `max_soc` leaves out).
    public var shortfall: WattHours
    /// Whether the target is reached (and now held).
    public var reached: Bool

    public init(remaining: WattHours, power: Watts, shortfall: WattHours, reached: Bool) {
        self.remaining = remaining
        self.power = power
        self.shortfall = shortfall
        self.reached = reached
    }

    /// Whether the target cannot be met in time.
    public var isInfeasible: Bool { shortfall > 0 }
}
