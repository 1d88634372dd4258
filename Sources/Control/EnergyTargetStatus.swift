public import Vocabulary

/// How an energy target (CHARGE_TO_SOC, CHARGE_ENERGY) stands at a decision: what is left to
/// move, the power asked for it now, and what cannot be moved by the command's end even at the
/// most the limits allow.
public struct EnergyTargetStatus: Hashable, Sendable {
    /// Energy still to store or deliver to reach the target, Wh (≥ 0).
    public var remaining: WattHours
    /// The power asked for now, W, in the device kind's sign (batteries: negative = charge;
    /// chargepoints: positive = charging); 0 while the target is held or once it is met.
    public var power: Watts
    /// The energy the target will lack at its end at the most the constraints allow, Wh (0 when
    /// it is met in time; with no end, only what the batteries' `max_soc` leaves out).
    public var shortfall: WattHours
    /// Whether the target is reached (CHARGE_TO_SOC then holds it; CHARGE_ENERGY ends).
    public var reached: Bool
    /// The energy delivered since the command started, Wh, by the chargepoints' counters
    /// (CHARGE_ENERGY); `nil` for a SoC target.
    public var delivered: WattHours?

    public init(
        remaining: WattHours, power: Watts, shortfall: WattHours, reached: Bool, delivered: WattHours? = nil
    ) {
        self.remaining = remaining
        self.power = power
        self.shortfall = shortfall
        self.reached = reached
        self.delivered = delivered
    }

    /// Whether the target cannot be met in time.
    public var isInfeasible: Bool { shortfall > 0 }
}
