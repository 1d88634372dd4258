public import Vocabulary

extension ChargepointResolver {
    /// The orders and cluster status that follow from the applied commands.
    struct Outcome {
        var decisions: [DeviceID: DeviceDecision]
        var status: ChargepointClusterStatus
        var hysteresis: SurplusHysteresis
    }

    /// The chargepoint orders: each aim's current within its caps, SURPLUS from the surplus
    /// controller, and a cluster cap shared out by `strategy` when the sum exceeds it.
    func outcome(
        gridPower: Watts, essPower: Watts, hysteresis: SurplusHysteresis, settings: SurplusSettings,
        strategy: AllocationStrategy, at now: ControlInstant
    ) -> Outcome {
        let surplus = surplusStep(
            gridPower: gridPower, essPower: essPower, hysteresis: hysteresis, settings: settings, strategy: strategy,
            at: now)
        var currents: [DeviceID: Amperes] = [:]
        for chargepoint in chargepoints {
            currents[chargepoint.id] = current(of: chargepoint, surplus: surplus?.currents[chargepoint.id] ?? 0)
        }
        let total = chargepoints.reduce(0) { $0 + (currents[$1.id] ?? 0) }
        let capBinds = clusterCap.map { total > $0.value } ?? false
        if capBinds, let cap = clusterCap?.value {
            currents = share(cap, of: currents, strategy: strategy)
        }
        var decisions: [DeviceID: DeviceDecision] = [:]
        for chargepoint in chargepoints {
            let entry = entries[chargepoint.id] ?? Entry()
            let current = currents[chargepoint.id] ?? 0
            let maximum = chargepoint.chargepoint?.maxCurrent ?? 0
            let ranks = [entry.aim?.rank, entry.cap?.rank, capBinds ? clusterCap?.rank : nil].compactMap { $0 }
            let capped = entry.cap != nil || capBinds
            if entry.aim == nil && (!capped || current >= maximum) {
                decisions[chargepoint.id] = DeviceDecision(
                    device: chargepoint.id, online: true, order: .auto, recipes: [], origins: [])
                continue
            }
            let recipe = Self.recipe(current: current, aim: entry.aim?.value, maximum: maximum)
            decisions[chargepoint.id] = DeviceDecision(
                device: chargepoint.id, online: true, order: .current(current), recipes: [.chargepoint(recipe)],
                origins: Set(ranks).sorted().compactMap { refs[$0] })
        }
        let status = ChargepointClusterStatus(
            online: chargepoints.count, surplusPower: surplus?.surplusPower,
            current: chargepoints.reduce(0) { $0 + (decisions[$1.id]?.current ?? 0) }, limit: clusterCap?.value)
        return Outcome(decisions: decisions, status: status, hysteresis: surplus?.hysteresis ?? SurplusHysteresis())
    }

    /// One surplus step over the chargepoints in SURPLUS, or `nil` when none is.
    private func surplusStep(
        gridPower: Watts, essPower: Watts, hysteresis: SurplusHysteresis, settings: SurplusSettings,
        strategy: AllocationStrategy, at now: ControlInstant
    ) -> SurplusController.Outcome? {
        let chargers = chargepoints.compactMap { chargepoint -> SurplusController.Charger? in
            guard let entry = entries[chargepoint.id], entry.aim?.value == .surplus,
                var telemetry = chargepoint.chargepoint
            else { return nil }
            telemetry.maxCurrent = min(telemetry.maxCurrent, entry.cap?.value ?? .infinity)
            return SurplusController.Charger(
                id: chargepoint.id, telemetry: telemetry, activePower: chargepoint.activePower,
                priority: chargepoint.priority)
        }
        guard !chargers.isEmpty else { return nil }
        return SurplusController.step(
            chargers: chargers, gridPower: gridPower, essPower: essPower, hysteresis: hysteresis, settings: settings,
            strategy: strategy, at: now)
    }

    /// Shares `cap` amperes over the charging chargepoints. A fixed aim of higher precedence
    /// than the cap keeps its current (the cap was dropped if those did not fit); the rest of
    /// the cap goes to the others: in order of priority each keeps its 6 A minimum while the cap
    /// lasts (the rest go off), and what is left above the minimums is split by `strategy`,
    /// never above what each asked for.
    private func share(
        _ cap: Amperes, of currents: [DeviceID: Amperes], strategy: AllocationStrategy
    ) -> [DeviceID: Amperes] {
        let minimum = ChargepointMode.minimumCurrent
        let kept = chargepoints.filter { chargepoint in
            guard let aim = entries[chargepoint.id]?.aim, let capRank = clusterCap?.rank else { return false }
            return aim.rank < capRank && aim.value != .surplus
        }.map(\.id)
        let budget = max(0, kept.reduce(cap) { $0 - (currents[$1] ?? 0) })
        let charging = chargepoints.enumerated().filter { index, chargepoint in
            (currents[chargepoint.id] ?? 0) > 0 && !kept.contains(chargepoint.id)
        }.sorted { lhs, rhs in
            if lhs.element.priority != rhs.element.priority { return lhs.element.priority > rhs.element.priority }
            return lhs.offset < rhs.offset
        }.map(\.element)
        var remaining = budget
        var slots: [AllocationSlot] = []
        for chargepoint in charging where remaining >= minimum {
            remaining -= minimum
            slots.append(
                AllocationSlot(
                    id: chargepoint.id, bounds: PowerInterval(min: minimum, max: currents[chargepoint.id] ?? minimum),
                    priority: chargepoint.priority))
        }
        let allocation = Allocation(distributing: budget, over: slots, strategy: strategy)
        return currents.filter { kept.contains($0.key) }.merging(currents.mapValues { _ in 0 }) { current, _ in current }
            .merging(allocation.shares.map { ($0.id, $0.value) }) { _, share in share }
    }

    /// The device-level mode that carries `current`: the commanded kind when its own recipe
    /// gives exactly that current, ZERO for 0 A, else LIMIT(current).
    static func recipe(current: Amperes, aim: CurrentConstraint.Aim?, maximum: Amperes) -> ChargepointMode {
        switch aim {
        case _ where current == 0: .zero
        case .minimum where current == ChargepointMode.minimumCurrent: .minimum
        case .maximum where current == maximum: .force
        case .surplus: .surplus
        default: .limit(current: current)
        }
    }
}

extension DeviceDecision {
    /// The ordered current, for a chargepoint with a current order.
    var current: Amperes? {
        if case .current(let current) = order { return current }
        return nil
    }
}
