public import Vocabulary

/// The state CHARGE_TO_SOC carries from one decision to the next, per command: it turns the
/// energy still to store and the time left into a cluster power at every decision.
///
/// It follows `EnergyPlan` (as late and as evenly as the limits allow, or `asap`; a command
/// without an end charges as soon as possible), never more than the constraints before it and
/// the batteries allow (their charge power, `max_soc`); when even that falls short, it charges
/// at that most and reports the shortfall.
///
/// Once the target is reached the batteries hold it (0 W) until the command ends, and charge
/// again only when the SoC falls a percent below it. Without a SoC or a capacity it holds its
/// last power for `hold`, then the command is lost with `inputMissing`. Pure: every step takes
/// the instant and the readings.
public struct SocTargetController: Hashable, Sendable {
    /// What a step asks of the batteries.
    public enum Output: Hashable, Sendable {
        /// Run the target at this power, W (negative = charge; 0 = hold).
        case power(Watts)
        /// The batteries' SoC or capacity is unknown beyond the hold.
        case inputMissing
    }

    /// The target is reached within this much SoC.
    static let tolerance: Percent = 0.1
    /// Once reached, charging starts again this far below the target.
    static let hysteresis: Percent = 1

    /// How the target stood at the last step; `nil` before the first, or without inputs.
    public private(set) var status: EnergyTargetStatus?
    private var reached = false
    private var hold = InputHold<Watts>()

    public init() {}

    /// One decision at `now`.
    /// - Parameters:
    ///   - soc: the SoC to reach, %.
    ///   - asap: charge as soon as possible rather than toward `end`.
    ///   - end: when the target must be met (the command's end); `nil`: as soon as possible.
    ///   - batteries: the telemetry of the target's online batteries.
    ///   - feasible: what the commands before it and the batteries allow the target, W.
    ///   - hold: how long the last power is held once the SoC is unknown.
    public mutating func step(
        soc target: Percent, asap: Bool, end: ControlInstant?, batteries: [BatteryTelemetry], feasible: PowerInterval,
        hold holdTime: Duration, at now: ControlInstant
    ) -> Output {
        let capacity = batteries.reduce(0) { $0 + max(0, $1.capacity) }
        let known = batteries.compactMap { battery in
            battery.soc.map { ($0, battery.capacity > 0 ? battery.capacity : nil) }
        }
        guard capacity > 0, !batteries.isEmpty, known.count == batteries.count, let soc = ClusterSoc.of(known) else {
            status = nil
            return hold.missing(at: now, hold: holdTime).map { .power(feasible.clamp($0)) } ?? .inputMissing
        }
        let ceiling = batteries.reduce(0) { $0 + min(100, max(0, $1.maxSoc)) * max(0, $1.capacity) } / capacity
        let remaining = max(0, target - soc) / 100 * capacity
        let storable = max(0, min(target, ceiling) - soc) / 100 * capacity
        if soc >= target - Self.tolerance {
            reached = true
        } else if soc < target - Self.hysteresis {
            reached = false
        }
        let plan = EnergyPlan(
            remaining: remaining, movable: reached ? 0 : storable, most: -feasible.min,
            left: end.map { now.duration(to: $0) }, asap: asap)
        status = EnergyTargetStatus(
            remaining: reached ? 0 : remaining, power: -plan.power, shortfall: reached ? 0 : plan.shortfall,
            reached: reached)
        let output = feasible.clamp(-plan.power)
        hold.known(output)
        return .power(output)
    }
}
