import Control
import SiteConfig

/// What a device should be doing, in the terms of its map: the recipes to run, in order, with
/// their parameters. Two plans that are equal need no new write.
struct DeviceOrderPlan: Hashable, Sendable {
    struct Step: Hashable, Sendable {
        var mode: ControlMode
        /// Parameter values, rounded (1 W, 0.1 A) so that telemetry noise does not cause writes.
        var parameters: [String: Double]
    }

    var steps: [Step]

    /// The device runs itself: nothing to write (the AUTO recipe is run on the way there).
    static let idle = DeviceOrderPlan(steps: [])

    var modes: Set<ControlMode> { Set(steps.map(\.mode)) }

    /// Translates the control core's device-level battery modes into the recipes `map` defines.
    /// A battery map without SET_POWER carries a set-point through FORCE_CHARGE or
    /// FORCE_DISCHARGE; modes the map cannot carry out are left out (the core only chooses
    /// modes the device supports, so this is a safety net).
    static func plan(for recipes: [Mode], map: DeviceMap) -> DeviceOrderPlan {
        var steps: [Step] = []
        func add(_ mode: ControlMode, _ parameters: [String: Double] = [:]) {
            guard map.control.recipes[mode] != nil else { return }
            steps.append(Step(mode: mode, parameters: parameters.mapValues(round)))
        }
        for recipe in recipes {
            switch recipe {
            case .ess(.auto): break
            case .ess(.noDischarge): add(.noDischarge)
            case .ess(.noCharge): add(.noCharge)
            case .ess(.limitCharge(let watts)): add(.limitCharge, ["maxChargePower": watts])
            case .ess(.limitDischarge(let watts)): add(.limitDischarge, ["maxDischargePower": watts])
            case .ess(.forceCharge(let watts)): add(.forceCharge, ["power": watts])
            case .ess(.forceDischarge(let watts)): add(.forceDischarge, ["power": watts])
            case .ess(.setPower(let watts)):
                if map.control.recipes[.setPower] != nil {
                    add(.setPower, ["power": watts])
                } else if watts > 0 {
                    add(.forceDischarge, ["power": watts])
                } else if watts < 0 {
                    add(.forceCharge, ["power": -watts])
                } else {
                    add(.noCharge)
                    add(.noDischarge)
                }
            case .chargepoint:
                break  // chargepoints are given amperes: plan(current:recipes:map:)
            }
        }
        return DeviceOrderPlan(steps: steps)
    }

    /// The plan for a chargepoint the core gave `current` amperes: ZERO at 0 A, otherwise the
    /// recipe of the mode in force (LIMIT when none is named) with that current.
    static func plan(current: Double, recipes: [Mode], map: DeviceMap) -> DeviceOrderPlan {
        if current <= 0 {
            return map.control.recipes[.zero] != nil ? DeviceOrderPlan(steps: [Step(mode: .zero, parameters: [:])]) : .idle
        }
        let named: ControlMode? = recipes.lazy.compactMap { recipe -> ControlMode? in
            guard case .chargepoint(let mode) = recipe else { return nil }
            return ControlMode(rawValue: mode.kind.name)
        }.first
        let mode = [named, .limit, .force, .minimum].compactMap { $0 }.first { map.control.recipes[$0] != nil }
        guard let mode, mode != .zero else { return .idle }
        return DeviceOrderPlan(steps: [Step(mode: mode, parameters: ["current": round(current)])])
    }

    private static func round(_ value: Double) -> Double {
        abs(value) >= 100 ? value.rounded() : (value * 10).rounded() / 10
    }
}
