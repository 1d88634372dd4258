import Vocabulary

extension EssResolver {
    /// The orders and cluster status that follow from the applied commands.
    struct Outcome {
        var decisions: [DeviceID: DeviceDecision]
        var bounds: PowerInterval
        var setpoint: Watts?
    }

    /// Differences below this (W) are rounding, not a binding bound.
    static let tolerance: Watts = 1e-9

    /// The device orders. A cluster target is split over the batteries by `strategy`; cluster
    /// bounds without a target are split into per-battery limits the same way, so each battery
    /// runs itself inside its share.
    func outcome(strategy: AllocationStrategy) -> Outcome {
        var decisions: [DeviceID: DeviceDecision] = [:]
        if let pin = clusterPin {
            let allocation = Allocation(
                distributing: cluster.lower.value, over: slots { devices[$0]!.interval }, strategy: strategy)
            for battery in batteries {
                let value = allocation[battery.id]
                let origin = devicePins[battery.id] ?? pin
                decisions[battery.id] = DeviceDecision(
                    device: battery.id, online: true, order: .setpoint(value),
                    recipes: [.ess(setpointRecipe(value, origin: origin))],
                    origins: references([origin, pin]), bounds: devices[battery.id]!.interval)
            }
            return Outcome(decisions: decisions, bounds: feasible, setpoint: allocation.total)
        }
        let (lowers, uppers) = splitClusterBounds(strategy: strategy)
        for battery in batteries {
            let low = lowers[battery.id]!
            let high = uppers[battery.id]!
            let bounds = PowerInterval(min: low.value, max: high.value)
            if let pin = devicePins[battery.id] {
                decisions[battery.id] = DeviceDecision(
                    device: battery.id, online: true, order: .setpoint(low.value),
                    recipes: [.ess(setpointRecipe(low.value, origin: pin))],
                    origins: references([pin]), bounds: bounds)
            } else if !bounds.contains(0) {
                // Bounds on the sum can force a battery off zero: it must make up for a pinned
                // neighbour, so it gets the least power that does.
                let value = bounds.clamp(0)
                decisions[battery.id] = DeviceDecision(
                    device: battery.id, online: true, order: .setpoint(value), recipes: [.ess(.setPower(value))],
                    origins: references([low.origin, high.origin].compactMap { $0 }), bounds: bounds)
            } else if low.origin == nil && high.origin == nil {
                decisions[battery.id] = DeviceDecision(
                    device: battery.id, online: true, order: .auto, recipes: [.ess(.auto)], origins: [], bounds: bounds)
            } else {
                let order = DeviceOrder.limits(
                    min: low.origin == nil ? nil : low.value, max: high.origin == nil ? nil : high.value)
                decisions[battery.id] = DeviceDecision(
                    device: battery.id, online: true, order: order,
                    recipes: limitRecipes(low: low, high: high).map(Mode.ess),
                    origins: references([low.origin, high.origin].compactMap { $0 }), bounds: bounds)
            }
        }
        return Outcome(decisions: decisions, bounds: feasible, setpoint: nil)
    }

    /// Per-battery lower and upper ends whose every combination keeps the sum inside the
    /// cluster bounds: the cluster's lower end is split over the batteries' bounds, then its
    /// upper end over what remains above each battery's share.
    private func splitClusterBounds(
        strategy: AllocationStrategy
    ) -> (lowers: [DeviceID: End], uppers: [DeviceID: End]) {
        var lowers = devices.mapValues(\.lower)
        var uppers = devices.mapValues(\.upper)
        let sum = deviceSum
        if cluster.lower.value > sum.min + Self.tolerance {
            let allocation = Allocation(
                distributing: cluster.lower.value, over: slots { devices[$0]!.interval }, strategy: strategy)
            for battery in batteries where allocation[battery.id] > lowers[battery.id]!.value + Self.tolerance {
                lowers[battery.id] = End(value: allocation[battery.id], origin: cluster.lower.origin)
            }
        }
        if cluster.upper.value < sum.max - Self.tolerance {
            let allocation = Allocation(
                distributing: cluster.upper.value,
                over: slots { PowerInterval(min: lowers[$0]!.value, max: devices[$0]!.upper.value) },
                strategy: strategy)
            for battery in batteries where allocation[battery.id] < uppers[battery.id]!.value - Self.tolerance {
                uppers[battery.id] = End(value: allocation[battery.id], origin: cluster.upper.origin)
            }
        }
        return (lowers, uppers)
    }

    private func slots(_ bounds: (DeviceID) -> PowerInterval) -> [AllocationSlot] {
        batteries.map { battery in
            AllocationSlot(
                id: battery.id, bounds: bounds(battery.id), soc: battery.battery?.soc ?? .nan,
                priority: battery.priority)
        }
    }

    /// The commands of the given ranks, highest precedence first, without repeats.
    private func references(_ ranks: [Int]) -> [CommandRef] {
        Set(ranks).sorted().compactMap { refs[$0] }
    }

    /// The device-level mode that carries a set-point from the pin of rank `origin`, keeping the
    /// commanded kind when the sign allows it (FORCE_CHARGE for a charging share), else
    /// SET_POWER; an idle pin (its command lost) is always SET_POWER.
    private func setpointRecipe(_ value: Watts, origin: Int) -> EssMode {
        switch idlePins.contains(origin) ? nil : refs[origin]?.mode {
        case .ess(.forceCharge) where value <= 0: .forceCharge(power: 0 - value)
        case .ess(.forceDischarge) where value >= 0: .forceDischarge(power: value)
        default: .setPower(value)
        }
    }

    /// The device-level modes that carry limits: one per side bound by a command, named after
    /// the command that bound it (NO_CHARGE/NO_DISCHARGE at 0 when that command was one).
    private func limitRecipes(low: End, high: End) -> [EssMode] {
        var recipes: [EssMode] = []
        if let origin = low.origin {
            let isNoCharge = refs[origin]?.mode == .ess(.noCharge) && low.value == 0
            recipes.append(isNoCharge ? .noCharge : .limitCharge(maxChargePower: max(0, 0 - low.value)))
        }
        if let origin = high.origin {
            let isNoDischarge = refs[origin]?.mode == .ess(.noDischarge) && high.value == 0
            recipes.append(isNoDischarge ? .noDischarge : .limitDischarge(maxDischargePower: max(0, high.value)))
        }
        return recipes
    }
}
