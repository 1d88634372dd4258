public import Vocabulary

/// The plan both energy targets follow (CHARGE_TO_SOC, CHARGE_ENERGY): from the energy still to
/// move and the time left, the power to run at now and what the target will lack at its end.
///
/// Planned: the lowest steady power that moves the remaining energy by the end, less a short
/// lead (5 % of the time left, at most 5 minutes) for the devices' lag and losses. Recomputed at
/// every decision from what the devices report, so a slow start or a load that takes part of the
/// power is made up as the end nears. As soon as possible (`asap`, or no end): the most allowed.
/// When even the most falls short, it runs at the most and reports the shortfall.
public struct EnergyPlan: Hashable, Sendable {
    /// The largest lead before the end the plan aims at.
    static let maximumLead: Duration = .seconds(300)

    /// The power to run at now, W (a magnitude, ≥ 0; 0 once nothing can or need be moved).
    public var power: Watts
    /// The energy the target will lack at its end at the most power allowed, Wh (≥ 0; without
    /// an end, what `movable` leaves of `remaining`).
    public var shortfall: WattHours

    /// - Parameters:
    ///   - remaining: the energy the target still needs, Wh (≥ 0).
    ///   - movable: of that, what the devices can take at all, Wh (a battery's `max_soc` below
    ///     the target leaves some out).
    ///   - most: the most power the constraints and the devices allow now, W (≥ 0).
    ///   - left: the time to the end; `nil` without an end.
    ///   - asap: run at the most rather than toward the end.
    ///   - ahead: plan to be done this long before the end (the lead comes on top); the
    ///     shortfall still counts the whole time left.
    public init(
        remaining: WattHours, movable: WattHours, most: Watts, left: Duration?, asap: Bool, ahead: Duration = .zero
    ) {
        let remaining = max(0, remaining)
        let movable = max(0, min(movable, remaining))
        let most = max(0, most)
        let seconds = left.map { max(0, $0.seconds) }
        var power = most
        if movable <= 0 {
            power = 0
        } else if !asap, let seconds, seconds - ahead.seconds > 0 {
            let planned = seconds - ahead.seconds
            let lead = min(planned * 0.05, Self.maximumLead.seconds)
            power = min(most, movable * 3600 / max(planned - lead, 1))
        }
        let reachable = seconds.map { min(movable, most * $0 / 3600) } ?? movable
        self.power = power
        shortfall = max(0, remaining - reachable)
    }
}
