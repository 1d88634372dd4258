import SiteConfig
import Vocabulary

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A simulated battery's energy and what it allowed itself at the last step.
struct BatteryState {
    /// Wh.
    var capacity: Double
    /// W, either way.
    var maxPower: Double
    /// Wh stored.
    var energy: Double
    /// Whether the battery follows an external set-point.
    var external = false
    /// W ≥ 0, as the device reports them.
    var allowedCharge = 0.0
    var allowedDischarge = 0.0

    /// Without ratings: 10 kWh, 5 kW, half full.
    init(ratings: DeviceRatings) {
        capacity = ratings.capacity ?? 10_000
        maxPower = ratings.maxPower ?? 5_000
        energy = capacity / 2
    }

    var soc: Double { energy / capacity * 100 }
}

/// What a battery does in one step: follow a set-point, or regulate the grid to a target,
/// within bounds (W, busbar signs: `lower` ≤ 0 ≤ `upper`).
struct BatteryPlan {
    var setpoint: Double?
    var gridTarget: Double
    var lower: Double
    var upper: Double

    /// The power for a site whose balance without this battery is `residual` (W, + import).
    func power(residual: Double) -> Double {
        let wanted = setpoint ?? (residual - gridTarget)
        return min(max(wanted, lower), upper)
    }
}

extension SimulatedDevice {
    /// Reads the control registers through the map's `simulation:` expressions.
    func batteryPlan(seconds: Double) -> BatteryPlan {
        guard var state = battery else { return BatteryPlan(setpoint: nil, gridTarget: 0, lower: 0, upper: 0) }
        let active = spec.active.flatMap { evaluate($0) } ?? 0
        state.external = active != 0
        func limit(_ expression: Expression?) -> Double {
            guard let expression, let value = evaluate(expression), value >= 0 else { return state.maxPower }
            return min(value, state.maxPower)
        }
        var charge = limit(spec.chargeLimit)
        var discharge = limit(spec.dischargeLimit)
        // The BMS stops at empty and full; by itself the device also keeps its own SoC bounds.
        let socMin = state.external ? 0 : (spec.socMin.flatMap { evaluate($0) } ?? 0)
        let socMax = state.external ? 100 : (spec.socMax.flatMap { evaluate($0) } ?? 100)
        if state.soc >= min(socMax, 100) - 1e-9 { charge = 0 }
        if state.soc <= max(socMin, 0) + 1e-9 { discharge = 0 }
        state.allowedCharge = charge
        state.allowedDischarge = discharge
        battery = state
        // No more than the energy there is down to the floor (or the room left) within the step.
        let hours = seconds / 3600
        let floor = max(socMin, 0) / 100 * state.capacity
        let ceiling = min(socMax, 100) / 100 * state.capacity
        let upper = hours > 0 ? min(discharge, max(state.energy - floor, 0) / hours) : discharge
        let lower = hours > 0 ? -min(charge, max(ceiling - state.energy, 0) / hours) : -charge
        let setpoint = state.external ? (spec.power.flatMap { evaluate($0) } ?? 0) : nil
        let gridTarget = spec.gridTarget.flatMap { evaluate($0) } ?? 0
        return BatteryPlan(setpoint: setpoint, gridTarget: gridTarget, lower: lower, upper: upper)
    }

    /// Runs the battery toward `target` (W, within `plan`'s bounds) for `seconds`, as an
    /// inverter does: a first-order lag with the map's `response_time` (1 s by default) and at
    /// most its `ramp_rate`, never outside the bounds (its BMS stops it at once). Returns the
    /// power it ran at.
    @discardableResult
    func runBattery(toward target: Double, within plan: BatteryPlan, seconds: Double) -> Double {
        guard var state = battery else { return 0 }
        let power = Self.respond(
            from: self.power, toward: target, seconds: seconds,
            timeConstant: (spec.responseTime ?? SimulationSpec.defaultResponseTime).seconds, rampRate: spec.rampRate)
        self.power = min(max(power, plan.lower), plan.upper)
        state.energy = min(max(state.energy - self.power * seconds / 3600, 0), state.capacity)
        battery = state
        return self.power
    }

    /// Where a first-order lag with `timeConstant` (s; 0 = at once), limited to `rampRate`
    /// W/s, takes `current` toward `target` in `seconds`. Exact for any step length, so the
    /// result does not depend on how the simulation is stepped (the ramp aside).
    static func respond(
        from current: Double, toward target: Double, seconds: Double, timeConstant: Double, rampRate: Double?
    ) -> Double {
        var next = timeConstant > 0 ? target + (current - target) * exp(-seconds / timeConstant) : target
        if let rampRate {
            let step = rampRate * seconds
            next = min(max(next, current - step), current + step)
        }
        // Within a microwatt the battery has arrived: no endless approach in the last digits.
        return abs(next - target) < 1e-6 ? target : next
    }

    /// Sets the stored energy, for tests and demos.
    func setSoc(_ soc: Double) {
        guard var state = battery else { return }
        state.energy = min(max(soc, 0), 100) / 100 * state.capacity
        battery = state
    }
}
