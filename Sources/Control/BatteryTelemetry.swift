public import Vocabulary

/// What a battery reports (and its ratings), in busbar's units and signs.
public struct BatteryTelemetry: Hashable, Sendable {
    /// State of charge, %; `nil` when the battery does not report it (or not yet).
    public var soc: Percent?
    /// Usable capacity, Wh.
    public var capacity: WattHours
    /// The most charging power the device accepts now, W (≤ 0).
    public var allowedChargePower: Watts
    /// The most discharging power the device delivers now, W (≥ 0).
    public var allowedDischargePower: Watts
    /// The rated power in either direction, W.
    public var ratedPower: Watts
    /// The reserve: at or below this SoC the battery does not discharge.
    public var minSoc: Percent
    /// At or above this SoC the battery does not charge.
    public var maxSoc: Percent

    public init(
        soc: Percent?, capacity: WattHours, allowedChargePower: Watts, allowedDischargePower: Watts,
        ratedPower: Watts, minSoc: Percent = 0, maxSoc: Percent = 100
    ) {
        self.soc = soc
        self.capacity = capacity
        self.allowedChargePower = allowedChargePower
        self.allowedDischargePower = allowedDischargePower
        self.ratedPower = ratedPower
        self.minSoc = minSoc
        self.maxSoc = maxSoc
    }

    /// The power the battery may take now: allowed power ∩ rated power ∩ SoC reserve.
    ///
    /// The result always holds 0 (a battery can always idle). A reported allowed power with the
    /// wrong sign, or a missing (NaN) value, counts as 0. A battery with a reserve whose SoC is
    /// unknown may be at it: it does not discharge.
    public var limits: PowerInterval {
        let rated = ratedPower.isNaN ? 0 : max(0, ratedPower)
        var lower = max(-rated, min(0, allowedChargePower.isNaN ? 0 : allowedChargePower))
        var upper = min(rated, max(0, allowedDischargePower.isNaN ? 0 : allowedDischargePower))
        if let soc {
            if soc <= minSoc { upper = 0 }
            if soc >= maxSoc { lower = 0 }
        } else if minSoc > 0 {
            upper = 0
        }
        return PowerInterval(min: lower, max: upper)
    }
}
