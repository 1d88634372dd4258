import Vocabulary

extension ControlCore {
    /// A command in force, or a target's fallback, in order of precedence.
    struct Contender {
        var ref: CommandRef
        var command: Command?
        var priority: Int?
    }

    /// The commands in force at `now` by precedence — source priority (higher first), then a
    /// device's own command before a cluster's, then the newer command, then source id, then
    /// target — followed by the fallbacks of the targets no command holds, by target: each the
    /// fallback of the source whose command on it ended last, else the site's.
    ///
    /// So of the same priority a device command wins on its device whatever its age, and the
    /// cluster command is carried out around it by the other devices (docs/design.md §2.4).
    func contenders(at now: ControlInstant, site: SiteSnapshot) -> [Contender] {
        // A command `while: {charging: …}` waits while none of its chargepoints charges.
        let inForce = commandsInForce(at: now).filter { $0.activeWhileCharging?.isCharging(in: site) ?? true }
        let priority = { (command: Command) in configuration.source(command.source)?.priority ?? .min }
        let isCluster = { (command: Command) in command.target.isCluster }
        let commands = inForce.sorted { lhs, rhs in
            if priority(lhs) != priority(rhs) { return priority(lhs) > priority(rhs) }
            if isCluster(lhs) != isCluster(rhs) { return !isCluster(lhs) }
            if lhs.issuedAt != rhs.issuedAt { return lhs.issuedAt > rhs.issuedAt }
            return (lhs.source, lhs.target) < (rhs.source, rhs.target)
        }.map { command in
            Contender(ref: CommandRef(command), command: command, priority: priority(command))
        }
        let held = Set(inForce.map(\.target))
        let named = Set(configuration.fallbacks.keys).union(configuration.sources.flatMap(\.fallbacks.keys))
        let fallbacks = named.subtracting(held).sorted().compactMap { target -> Contender? in
            guard let mode = configuration.fallback(of: target, after: endedBy[target]),
                configuration.kind(of: target) == mode.kind.deviceKind
            else { return nil }
            return Contender(
                ref: CommandRef(origin: .fallback, target: target, mode: mode), command: nil, priority: nil)
        }
        return commands + fallbacks
    }

    /// Decides the device orders and the status for `site` at `now`: the commands in force are
    /// resolved by precedence against the devices' limits, cluster targets are allocated, and
    /// SURPLUS advances its hysteresis (kept in the core for the next decision).
    public mutating func decide(site: SiteSnapshot, at now: ControlInstant) -> Decision {
        endIdleCommands(site: site, at: now)
        let contenders = contenders(at: now, site: site)
        var ess = EssResolver(batteries: site.online(.battery))
        var evcs = ChargepointResolver(chargepoints: site.online(.chargepoint))
        var unplaced: [(rank: Int, loss: LostCommand)] = []
        var stepped: [ControllerKey: GridController] = [:]
        var steppedSoc: [ControllerKey: SocTargetController] = [:]
        var steppedEnergy: [ControllerKey: ChargeEnergyController] = [:]
        var energyTargets: [Int: EnergyTargetStatus] = [:]
        var finished: [Expiration] = []
        for (rank, contender) in contenders.enumerated() where contender.ref.mode != .ess(.auto) {
            let ref = contender.ref
            let reached = site.onlineDevices(of: ref.target).filter { $0.kind == ref.mode.kind.deviceKind }
            let reason: LostCommand.Reason? =
                reached.isEmpty
                ? .noOnlineDevice
                : Self.modes(for: ref.target, in: site).contains(ref.mode.kind) ? nil : .modeUnavailable
            if let reason {
                unplaced.append((rank, LostCommand(command: ref, scope: ref.target, reason: reason)))
                continue
            }
            switch ref.mode {
            case .ess(let mode) where mode.kind.followsGrid:
                let key = ControllerKey(origin: ref.origin, target: ref.target)
                var controller = gridControllers[key] ?? GridController()
                let essPower = site.onlineDevices(of: ref.target).filter { $0.kind == .battery }.reduce(0) {
                    $0 + $1.activePower
                }
                let output = controller.step(
                    mode, grid: site.grid, essPower: essPower, feasible: ess.feasible(for: ref.target),
                    settings: configuration.gridControl, at: now)
                stepped[key] = controller
                switch output {
                case .power(let power):
                    ess.apply(ref, rank: rank, constraint: PowerConstraint(target: power, keepsDirection: false))
                case .idle:
                    ess.apply(ref, rank: rank, constraint: .none)
                case .inputMissing:
                    let loss = LostCommand(command: ref, scope: ref.target, reason: .inputMissing("grid meter offline"))
                    unplaced.append((rank, loss))
                }
            case .ess(.chargeToSoc(let soc, let asap)):
                let key = ControllerKey(origin: ref.origin, target: ref.target)
                var controller = socControllers[key] ?? SocTargetController()
                let output = controller.step(
                    soc: soc, asap: asap, end: contender.command?.endInstant,
                    batteries: reached.compactMap(\.battery), feasible: ess.feasible(for: ref.target),
                    hold: configuration.gridControl.hold, at: now)
                steppedSoc[key] = controller
                energyTargets[rank] = controller.status
                switch output {
                case .power(let power):
                    ess.apply(ref, rank: rank, constraint: PowerConstraint(target: power, keepsDirection: false))
                case .inputMissing:
                    let loss = LostCommand(
                        command: ref, scope: ref.target, reason: .inputMissing("battery SoC unknown"))
                    unplaced.append((rank, loss))
                }
            case .ess(let mode): ess.apply(ref, rank: rank, constraint: mode.constraint)
            case .chargepoint(.surplus) where !site.hasFreshGrid(at: now, maxAge: configuration.gridControl.maxAge):
                // No surplus is known without the meter: the chargepoints stop charging from it.
                let loss = LostCommand(command: ref, scope: ref.target, reason: .inputMissing("grid meter offline"))
                unplaced.append((rank, loss))
            case .chargepoint(.chargeEnergy(let energy, let asap)):
                let key = ControllerKey(origin: ref.origin, target: ref.target)
                let startedAt = contender.command?.issuedAt ?? now
                var controller =
                    energyControllers[key].flatMap { $0.startedAt == startedAt ? $0 : nil }
                    ?? ChargeEnergyController(startedAt: startedAt)
                let output = controller.step(
                    energy: energy, asap: asap, end: contender.command?.endInstant, chargepoints: reached,
                    ceilings: evcs.ceilings(of: reached), voltage: configuration.surplus.voltage,
                    hold: configuration.gridControl.hold, at: now)
                steppedEnergy[key] = controller
                energyTargets[rank] = controller.status
                switch output {
                case .current(let current):
                    evcs.apply(ref, rank: rank, constraint: .aim(.current(current)))
                case .met, .unplugged:
                    // Off for this decision; the command ends at it, reported at the next `tick`.
                    evcs.apply(ref, rank: rank, constraint: .aim(.off))
                    if let command = contender.command {
                        finished.append(
                            Expiration(command: command, reason: output == .met ? .targetMet : .unplugged, at: now))
                    }
                case .inputMissing:
                    let loss = LostCommand(
                        command: ref, scope: ref.target, reason: .inputMissing("chargepoint energy counter unknown"))
                    unplaced.append((rank, loss))
                }
            case .chargepoint(let mode): evcs.apply(ref, rank: rank, constraint: mode.constraint)
            }
        }
        gridControllers = stepped
        socControllers = steppedSoc
        // A CHARGE_ENERGY whose chargepoints are offline for a decision keeps its count.
        let inForce = Set(contenders.map { ControllerKey(origin: $0.ref.origin, target: $0.ref.target) })
        energyControllers = energyControllers.filter { inForce.contains($0.key) }.merging(steppedEnergy) { $1 }
        endCommands(finished)
        let evcsOutcome = evcs.outcome(
            gridPower: site.gridPower ?? .nan, essPower: site.essActivePower,
            hysteresis: surplusState(of: contenders),
            settings: configuration.surplus, strategy: configuration.chargepointStrategy, at: now)
        surplusControllers = Self.surplusControllers(after: evcsOutcome.hysteresis, decisions: evcsOutcome.decisions)
        let losses = (unplaced + ess.losses + evcs.losses + evcsOutcome.losses).sorted {
            ($0.rank, $0.loss.scope) < ($1.rank, $1.loss.scope)
        }
        let defeated = defeatedRanks(losses, contenders: contenders, site: site)

        var allowed = EssResolver(batteries: site.online(.battery), includeTargets: false)
        for (rank, ref) in ess.refs.sorted(by: { $0.key < $1.key }) where !losses.contains(where: { $0.rank == rank }) {
            if case .ess(let mode) = ref.mode { allowed.apply(ref, rank: rank, constraint: mode.constraint) }
        }
        let essOutcome = ess.outcome(strategy: configuration.essStrategy)

        let inEffect = contenders.enumerated().filter { !defeated.contains($0.offset) }.map { rank, contender in
            var active = ActiveCommand(
                command: contender.ref, priority: contender.priority, issuedAt: contender.command?.issuedAt,
                remaining: contender.command.flatMap { command in
                    let deadline = deadline(of: command)
                    return deadline == .distantFuture ? nil : now.duration(to: deadline)
                }, clampedTo: ess.clamps[rank], energyTarget: energyTargets[rank])
            if let command = contender.command {
                active.activeWhileCharging = command.activeWhileCharging
                active.endsWhenIdle = command.endsWhenIdle
                active.idleFor = idleSince[Key(source: command.source, target: command.target)].map {
                    $0.duration(to: now)
                }
            }
            return active
        }
        let essStatus = EssClusterStatus(
            online: ess.batteries.count, bounds: essOutcome.bounds,
            allowedChargePower: min(0, allowed.feasible.min), allowedDischargePower: max(0, allowed.feasible.max),
            setpoint: essOutcome.setpoint)
        return Decision(
            at: now,
            devices: site.devices.map { device in
                essOutcome.decisions[device.id] ?? evcsOutcome.decisions[device.id] ?? Self.offline(device)
            },
            ess: essStatus, chargepoints: evcsOutcome.status,
            active: inEffect.enumerated().sorted {
                ($0.element.command.target, $0.offset) < ($1.element.command.target, $1.offset)
            }.map(\.element),
            lost: losses.map(\.loss), availableModes: availableModes(site: site, inEffect: inEffect),
            schedules: scheduleStatus(at: now))
    }

    /// Ends the commands whose chargepoints have all been idle for their condition's time
    /// (`until: {idle: …}`), reported at the next `tick`, and notes since when the others' are.
    private mutating func endIdleCommands(site: SiteSnapshot, at now: ControlInstant) {
        var tracked: [Key: ControlInstant] = [:]
        var ended: [Key: Command] = [:]
        for (key, command) in commands {
            guard let idle = command.endsWhenIdle, deadline(of: command) > now,
                !idle.chargepoints.isCharging(in: site)
            else { continue }
            let since = idleSince[key] ?? now
            if since.duration(to: now) >= idle.duration {
                ended[key] = command
            } else {
                tracked[key] = since
            }
        }
        idleSince = tracked
        for (key, command) in ended {
            commands[key] = nil
            conditionsMet.append(Expiration(command: command, reason: .conditionMet, at: now))
        }
        noteEnded(Array(ended.values))
    }

    /// Ends the commands whose energy target a decision found met (or whose car left), reported
    /// at the next `tick`. A schedule slot is not ended: it stays, its chargepoints off, until
    /// the slot ends.
    private mutating func endCommands(_ finished: [Expiration]) {
        let ended = finished.filter {
            commands[Key(source: $0.command.source, target: $0.command.target)] == $0.command
        }
        for expiration in ended {
            commands[Key(source: expiration.command.source, target: expiration.command.target)] = nil
        }
        conditionsMet += ended
        noteEnded(ended.map(\.command))
    }

    /// The hysteresis SURPLUS steps from: each chargepoint's stage as the SURPLUS command of
    /// highest precedence that has one for it carries it.
    private func surplusState(of contenders: [Contender]) -> SurplusHysteresis {
        var stages: [DeviceID: SurplusHysteresis.Stage] = [:]
        for contender in contenders where contender.ref.mode == .chargepoint(.surplus) {
            let key = ControllerKey(origin: contender.ref.origin, target: contender.ref.target)
            stages.merge(surplusControllers[key]?.stages ?? [:]) { first, _ in first }
        }
        return SurplusHysteresis(stages: stages)
    }

    /// The hysteresis SURPLUS returned, handed to the commands it belongs to: each
    /// chargepoint's stage to the SURPLUS command its order came from.
    private static func surplusControllers(
        after hysteresis: SurplusHysteresis, decisions: [DeviceID: DeviceDecision]
    ) -> [ControllerKey: SurplusHysteresis] {
        var controllers: [ControllerKey: SurplusHysteresis] = [:]
        for (id, stage) in hysteresis.stages {
            guard let origin = decisions[id]?.origins.first(where: { $0.mode == .chargepoint(.surplus) }) else {
                continue
            }
            controllers[ControllerKey(origin: origin.origin, target: origin.target), default: SurplusHysteresis()]
                .stages[id] = stage
        }
        return controllers
    }

    /// Decides as if `command` had arrived at `now`, without changing the core: the decision
    /// shows whether it would lose (`Decision.losses(of:on:)`) or be clamped.
    package func preview(
        _ command: Command, site: SiteSnapshot, at now: ControlInstant
    ) -> Result<Decision, CommandRejection> {
        var trial = self
        return trial.apply(command, at: now).map { _ in trial.decide(site: site, at: now) }
    }

    /// The ranks of the contenders that have no effect at all: lost on their own target, or,
    /// for a chargepoint cluster aim, lost on every online chargepoint.
    private func defeatedRanks(
        _ losses: [(rank: Int, loss: LostCommand)], contenders: [Contender], site: SiteSnapshot
    ) -> Set<Int> {
        var defeated = Set<Int>()
        for (rank, contender) in contenders.enumerated() {
            let own = losses.filter { $0.rank == rank }
            if own.contains(where: { $0.loss.scope == contender.ref.target }) {
                defeated.insert(rank)
            } else if !own.isEmpty, own.count >= site.onlineDevices(of: contender.ref.target).count {
                defeated.insert(rank)
            }
        }
        return defeated
    }

    /// An offline device's decision: no order, no share.
    private static func offline(_ device: DeviceSnapshot) -> DeviceDecision {
        let recipes: [Mode] = device.kind == .battery ? [.ess(.auto)] : []
        return DeviceDecision(device: device.id, online: device.online, order: .auto, recipes: recipes, origins: [])
    }
}
