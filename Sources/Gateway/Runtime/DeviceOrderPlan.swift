import Control
import SiteConfig
import Vocabulary

/// What a device should be doing, in the terms of its map: the recipes to run, in order, with
/// their parameters. Two plans that are equal need no new write.
struct DeviceOrderPlan: Hashable, Sendable {
    struct Step: Hashable, Sendable {
        var mode: ModeKind
        /// Parameter values, rounded (1 W, 0.1 A) so that telemetry noise does not cause writes.
        var parameters: [ModeParameter.Name: Double]
    }

    var steps: [Step]

    /// The device runs itself: nothing to write (the AUTO recipe is run on the way there).
    static let idle = DeviceOrderPlan(steps: [])

    var modes: Set<ModeKind> { Set(steps.map(\.mode)) }

    /// Translates the control core's device-level battery modes into the recipes `map` defines.
    /// A battery map without SET_POWER carries a set-point through FORCE_CHARGE or
    /// FORCE_DISCHARGE; modes the map cannot carry out are left out (the core only chooses
    /// modes the device supports, so this is a safety net).
    static func plan(for recipes: [Mode], map: DeviceMap) -> DeviceOrderPlan {
        var steps: [Step] = []
        func add(_ mode: EssModeKind, _ parameters: [ModeParameter.Name: Double] = [:]) {
            let mode = ModeKind.ess(mode)
            guard map.control.recipes[mode] != nil else { return }
            steps.append(Step(mode: mode, parameters: parameters.mapValues(round)))
        }
        for recipe in recipes {
            switch recipe {
            case .ess(.auto): break
            case .ess(.setPower(let watts)):
                if map.control.recipes[.ess(.setPower)] != nil {
                    add(.setPower, [.power: watts])
                } else if watts > 0 {
                    add(.forceDischarge, [.power: watts])
                } else if watts < 0 {
                    add(.forceCharge, [.power: -watts])
                } else {
                    add(.noCharge)
                    add(.noDischarge)
                }
            case .ess(let mode):
                add(mode.kind, mode.parameterValues)
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
            let zero = ModeKind.chargepoint(.zero)
            return map.control.recipes[zero] != nil
                ? DeviceOrderPlan(steps: [Step(mode: zero, parameters: [:])]) : .idle
        }
        let named: ModeKind? = recipes.lazy.compactMap { recipe -> ModeKind? in
            guard case .chargepoint = recipe else { return nil }
            return recipe.kind
        }.first
        let preferred: [ModeKind?] = [named, .chargepoint(.limit), .chargepoint(.force), .chargepoint(.minimum)]
        let mode = preferred.compactMap { $0 }.first { map.control.recipes[$0] != nil }
        guard let mode, mode != .chargepoint(.zero) else { return .idle }
        return DeviceOrderPlan(steps: [Step(mode: mode, parameters: [.current: round(current)])])
    }

    private static func round(_ value: Double) -> Double {
        abs(value) >= 100 ? value.rounded() : (value * 10).rounded() / 10
    }
}
