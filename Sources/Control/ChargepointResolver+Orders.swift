import Vocabulary

extension ChargepointResolver {
    /// The orders, cluster status and losses that follow from the applied commands.
    struct Outcome {
        var decisions: [DeviceID: DeviceDecision]
        var status: ChargepointClusterStatus
        var hysteresis: SurplusHysteresis
        /// The aims that come to 0 A where they would charge, with their rank.
        var losses: [(rank: Int, loss: LostCommand)]
    }

    /// The chargepoint orders: each aim's current within its caps, SURPLUS from the surplus
    /// controller, and a cluster cap shared out by `strategy` when the sum exceeds it.
    ///
    /// Every chargepoint a command holds (an aim, its own cap or a cluster cap) gets a current,
    /// its share, its minimum or 0, even where the current is what it would take by itself, so
    /// nothing written before stays in force; one that no command holds gets `.auto`: released.
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
        let asked = currents
        let total = chargepoints.reduce(0) { $0 + (currents[$1.id] ?? 0) }
        let capBinds = clusterCap.map { total > $0.value } ?? false
        var leftOver: [DeviceID: Amperes] = [:]
        if capBinds, let cap = clusterCap?.value {
            (currents, leftOver) = share(cap, of: currents, strategy: strategy)
        }
        var decisions: [DeviceID: DeviceDecision] = [:]
        var losses: [(rank: Int, loss: LostCommand)] = []
        for chargepoint in chargepoints {
            let entry = entries[chargepoint.id] ?? Entry()
            let ranks = [entry.aim?.rank, entry.cap?.rank, clusterCap?.rank].compactMap { $0 }
            guard !ranks.isEmpty else {
                decisions[chargepoint.id] = DeviceDecision(
                    device: chargepoint.id, online: true, order: .auto, recipes: [], origins: [])
                continue
            }
            let current = currents[chargepoint.id] ?? 0
            let recipe = Self.recipe(current: current, aim: entry.aim?.value, of: chargepoint)
            decisions[chargepoint.id] = DeviceDecision(
                device: chargepoint.id, online: true, order: .current(current), recipes: [.chargepoint(recipe)],
                origins: Set(ranks).sorted().compactMap { refs[$0] })
            if current == 0, let aim = entry.aim, let ref = refs[aim.rank],
                isVoided(aim.value, asked: asked[chargepoint.id] ?? 0, of: chargepoint)
            {
                let room = min(ceiling(of: chargepoint), leftOver[chargepoint.id] ?? .infinity)
                let reason = LostCommand.Reason.clampedAway(bounds: PowerInterval(min: 0, max: room))
                losses.append((aim.rank, LostCommand(command: ref, scope: .device(chargepoint.id), reason: reason)))
            }
        }
        let status = ChargepointClusterStatus(
            online: chargepoints.count, surplusPower: surplus?.surplusPower,
            current: chargepoints.reduce(0) { $0 + (decisions[$1.id]?.current ?? 0) }, limit: clusterCap?.value)
        let next = surplus?.hysteresis ?? SurplusHysteresis()
        return Outcome(decisions: decisions, status: status, hysteresis: next, losses: losses)
    }

    /// Whether an aim that ends at 0 A lost its effect to a cap or the chargepoint's maximum:
    /// MINIMUM and FORCE always mean to charge; SURPLUS only when the surplus gave it a current
    /// (`asked`, before a cluster cap) or its ceiling is below the minimum.
    private func isVoided(_ aim: CurrentConstraint.Aim, asked: Amperes, of chargepoint: DeviceSnapshot) -> Bool {
        switch aim {
        case .off: false
        case .minimum, .maximum: true
        case .surplus: asked > 0 || ceiling(of: chargepoint) < (chargepoint.chargepoint?.minimumCurrent ?? 0)
        case .current(let current): current > 0
        }
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
            telemetry.maxCurrent = ceiling(of: chargepoint)
            return SurplusController.Charger(
                id: chargepoint.id, telemetry: telemetry, activePower: chargepoint.activePower,
                priority: chargepoint.priority)
        }
        guard !chargers.isEmpty else { return nil }
        return SurplusController.step(
            chargers: chargers, gridPower: gridPower, essPower: essPower, hysteresis: hysteresis, settings: settings,
            strategy: strategy, at: now)
    }

    /// Shares `cap` amperes over the charging chargepoints, and tells, for each that got
    /// nothing, what the cap still held when its turn came. A fixed aim of higher precedence
    /// than the cap keeps its current (the cap was dropped if those did not fit); the rest of
    /// the cap goes to the others: in order of priority each keeps its minimum while the cap
    /// lasts (the rest go off), and what is left above the minimums is split by `strategy`,
    /// never above what each asked for.
    ///
    /// Shares are rounded down to each chargepoint's step; what rounding leaves of the cap goes
    /// out a step at a time, in the same order, to those with room, so the sum never exceeds
    /// the cap.
    private func share(
        _ cap: Amperes, of currents: [DeviceID: Amperes], strategy: AllocationStrategy
    ) -> (currents: [DeviceID: Amperes], leftOver: [DeviceID: Amperes]) {
        let kept = chargepoints.filter { chargepoint in
            guard let aim = entries[chargepoint.id]?.aim, let capRank = clusterCap?.rank else { return false }
            return aim.rank < capRank && aim.value != .surplus
        }.map(\.id)
        let budget = max(0, kept.reduce(cap) { $0 - (currents[$1] ?? 0) })
        let charging = chargepoints.enumerated().filter { _, chargepoint in
            (currents[chargepoint.id] ?? 0) > 0 && !kept.contains(chargepoint.id)
        }.sorted { lhs, rhs in
            if lhs.element.priority != rhs.element.priority { return lhs.element.priority > rhs.element.priority }
            return lhs.offset < rhs.offset
        }.map(\.element)
        var remaining = budget
        var sharing: [(telemetry: ChargepointTelemetry, slot: AllocationSlot)] = []
        var leftOver: [DeviceID: Amperes] = [:]
        for chargepoint in charging {
            guard let telemetry = chargepoint.chargepoint else { continue }
            let minimum = telemetry.minimumCurrent
            guard remaining >= minimum else {
                leftOver[chargepoint.id] = remaining
                continue
            }
            remaining -= minimum
            let bounds = PowerInterval(min: minimum, max: currents[chargepoint.id] ?? minimum)
            let slot = AllocationSlot(id: chargepoint.id, bounds: bounds, priority: chargepoint.priority)
            sharing.append((telemetry, slot))
        }
        let allocation = Allocation(distributing: budget, over: sharing.map(\.slot), strategy: strategy)
        var shares = sharing.map { max($0.slot.bounds.min, $0.telemetry.roundedDown(allocation[$0.slot.id])) }
        var handedOut = true
        while handedOut {
            handedOut = false
            for (index, entry) in sharing.enumerated() {
                guard let next = entry.telemetry.stepUp(from: shares[index]), next > shares[index],
                    next <= entry.slot.bounds.max, shares.reduce(0, +) - shares[index] + next <= budget
                else { continue }
                shares[index] = next
                handedOut = true
            }
        }
        var shared = currents.mapValues { _ in 0.0 }
        for id in kept { shared[id] = currents[id] }
        for (entry, share) in zip(sharing, shares) { shared[entry.slot.id] = share }
        return (shared, leftOver)
    }

    /// The device-level mode that carries `current`: the commanded kind when its own recipe
    /// gives exactly that current (its minimum, its maximum rounded down to its step), ZERO for
    /// 0 A, else LIMIT(current).
    static func recipe(
        current: Amperes, aim: CurrentConstraint.Aim?, of chargepoint: DeviceSnapshot
    ) -> ChargepointMode {
        let telemetry = chargepoint.chargepoint
        switch aim {
        case _ where current == 0: return .zero
        case .minimum where current == telemetry?.minimumCurrent: return .minimum
        case .maximum where current == telemetry.map({ $0.roundedDown($0.maxCurrent) }): return .force
        case .surplus: return .surplus
        default: return .limit(current: current)
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
