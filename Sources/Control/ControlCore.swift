import Vocabulary

/// The control core: the active commands, their watchdogs and the SURPLUS hysteresis, as one
/// value. Pure: every operation takes the instant it happens at, and nothing reads a clock,
/// sleeps or does I/O.
///
/// Lifecycle: `apply` commands as they arrive (each refreshes its source's watchdog, as does
/// `refresh` for a heartbeat), `replaceSchedules` as schedules arrive, call `tick` to collect
/// the commands and slots that ended, and `decide` whenever telemetry or commands change (and
/// at `nextChange(after:)`) to get the device orders and the status.
public struct ControlCore: Sendable {
    struct Key: Hashable {
        var source: SourceID
        var target: Target
    }

    /// The sources, devices, fallbacks and strategies in force.
    public private(set) var configuration: ControlConfiguration
    /// The commands held, by source and target (`ControlCore+Decide.swift` ends those whose
    /// condition is met).
    var commands: [Key: Command] = [:]
    /// Each source's schedule per target (`ControlCore+Schedules.swift`).
    var schedules: [Key: Schedule] = [:]
    private var lastHeard: [SourceID: ControlInstant] = [:]
    /// Per target, the source whose command on it ended last (of several at once, the one of
    /// highest priority): its own fallback applies while no command holds the target.
    private(set) var endedBy: [Target: SourceID] = [:]
    /// Each grid mode's controller, by the command (or fallback) it steps for; a command that
    /// ends takes its controller with it.
    var gridControllers: [ControllerKey: GridController] = [:]
    /// Each CHARGE_TO_SOC command's controller, kept the same way.
    var socControllers: [ControllerKey: SocTargetController] = [:]
    /// Each CHARGE_ENERGY command's controller, kept the same way (a new command from the
    /// same source on the same target starts a new one).
    var energyControllers: [ControllerKey: ChargeEnergyController] = [:]
    /// Per command that ends on idle chargepoints, since when they have been idle.
    var idleSince: [Key: ControlInstant] = [:]
    /// The commands whose condition (or met energy target) ended them at a decision, for the
    /// next `tick`.
    var conditionsMet: [Expiration] = []
    /// Each SURPLUS command's hysteresis, for the chargepoints it holds; a command that ends
    /// takes its state with it, so a new one starts with the start delay again.
    var surplusControllers: [ControllerKey: SurplusHysteresis] = [:]

    /// The SURPLUS state of every chargepoint, as the commands in force carry it.
    public var surplusHysteresis: SurplusHysteresis {
        SurplusHysteresis(
            stages: surplusControllers.values.reduce(into: [:]) { stages, state in
                stages.merge(state.stages) { first, _ in first }
            })
    }

    /// Names the command a controller belongs to: a source holds one command per target.
    struct ControllerKey: Hashable, Sendable {
        var origin: CommandRef.Origin
        var target: Target
    }

    public init(configuration: ControlConfiguration) {
        self.configuration = configuration
    }

    /// The commands held (including any that expired since the last `tick`), by target, then
    /// source.
    package var commandsHeld: [Command] {
        commands.values.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// When `command` ends: its explicit end, or its source's last contact plus the watchdog
    /// timeout. A command with an explicit end runs "fire and forget" and is not subject to the
    /// watchdog.
    public func deadline(of command: Command) -> ControlInstant {
        if let end = command.endInstant { return end }
        if command.endsWhenIdle != nil { return .distantFuture }
        let timeout = configuration.source(command.source)?.watchdogTimeout ?? .zero
        return (lastHeard[command.source] ?? command.issuedAt) + timeout
    }

    /// Records that `source` was heard from at `now` (a heartbeat or any write), which extends
    /// its commands' watchdog. Returns `false` for an unknown source.
    @discardableResult
    public mutating func refresh(_ source: SourceID, at now: ControlInstant) -> Bool {
        guard configuration.source(source) != nil else { return false }
        lastHeard[source] = max(lastHeard[source] ?? now, now)
        return true
    }

    /// Accepts `command`, received at `now`: it replaces the source's previous command on the
    /// same target and refreshes the source's watchdog. AUTO is a command like any other: it
    /// holds the target off its fallback and overrides nothing. A rejected command changes
    /// nothing.
    public mutating func apply(_ command: Command, at now: ControlInstant) -> Result<CommandReceipt, CommandRejection> {
        if let rejection = rejection(of: command, at: now) { return .failure(rejection) }
        refresh(command.source, at: now)
        let key = Key(source: command.source, target: command.target)
        let replaced = commands.updateValue(command, forKey: key)
        idleSince[key] = nil
        return .success(CommandReceipt(replaced: replaced, expiresAt: deadline(of: command)))
    }

    /// Removes the commands of `source` (any when `nil`) on `target` (any when `nil`), so the
    /// targets return to their fallback or to the remaining commands. Returns what it removed.
    @discardableResult
    public mutating func release(source: SourceID? = nil, target: Target? = nil) -> [Command] {
        let removed = commands.filter { key, _ in
            (source == nil || key.source == source) && (target == nil || key.target == target)
        }
        for key in removed.keys { commands[key] = nil }
        noteEnded(Array(removed.values))
        return removed.values.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// Removes the commands whose deadline is at or before `now` and reports each with its
    /// reason, by deadline, then target, then source. A command is in force strictly before
    /// its deadline.
    public mutating func tick(at now: ControlInstant) -> [Expiration] {
        let expired = commands.filter { deadline(of: $0.value) <= now }
        for key in expired.keys { commands[key] = nil }
        let slotsEnded = dropEndedSlots(at: now) + conditionsMet
        conditionsMet = []
        noteEnded(Array(expired.values) + slotsEnded.map(\.command))
        return
            (expired.values.map { command in
                Expiration(
                    command: command, reason: command.isFireAndForget ? .durationEnded : .watchdog,
                    at: deadline(of: command))
            } + slotsEnded).sorted {
                ($0.at, $0.command.target, $0.command.source) < ($1.at, $1.command.target, $1.command.source)
            }
    }

    /// Replaces the configuration (a reloaded site file). Commands whose source or device is
    /// gone, or whose mode no longer fits its target, are dropped and returned.
    @discardableResult
    public mutating func reconfigure(_ configuration: ControlConfiguration) -> [Command] {
        self.configuration = configuration
        lastHeard = lastHeard.filter { configuration.source($0.key) != nil }
        endedBy = endedBy.filter { configuration.source($0.value) != nil }
        let dropped = commands.filter { _, command in
            configuration.source(command.source) == nil
                || configuration.kind(of: command.target) != command.mode.kind.deviceKind
        }
        for key in dropped.keys { commands[key] = nil }
        schedules = schedules.filter { _, schedule in
            configuration.source(schedule.source) != nil
                && schedule.slots.allSatisfy { configuration.kind(of: schedule.target) == $0.mode.kind.deviceKind }
        }
        return dropped.values.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// Remembers, per target, which source's command ended: of several, the highest priority's.
    mutating func noteEnded(_ ended: [Command]) {
        let configuration = self.configuration
        let priority = { (source: SourceID) in configuration.source(source)?.priority ?? .min }
        for command in ended.sorted(by: { priority($0.source) < priority($1.source) }) {
            endedBy[command.target] = command.source
        }
    }

    /// The commands in force at `now`: not past their deadline, and the slots in force of the
    /// schedules whose source holds no command of its own on the target (a source's own command
    /// runs over its schedule, which resumes when the command ends).
    func commandsInForce(at now: ControlInstant) -> [Command] {
        let explicit = commands.filter { deadline(of: $0.value) > now }
        let slots = schedules.compactMap { key, schedule -> Command? in
            guard explicit[key] == nil, let slot = schedule.slot(at: now) else { return nil }
            return schedule.command(for: slot)
        }
        return Array(explicit.values) + slots
    }

    /// The next instant after `now` at which a command's deadline or a slot's start or end falls
    /// (a watchdog moved by a later heartbeat aside): a decision then keeps slot boundaries exact.
    public func nextChange(after now: ControlInstant) -> ControlInstant? {
        let deadlines = commands.values.map(deadline(of:)).filter { $0 != .distantFuture }
        let boundaries = schedules.values.flatMap { $0.slots.flatMap { [$0.start, $0.end] } }
        return (deadlines + boundaries).filter { $0 > now }.min()
    }

    private func rejection(of command: Command, at now: ControlInstant) -> CommandRejection? {
        guard configuration.source(command.source) != nil else { return .unknownSource(command.source) }
        guard let kind = configuration.kind(of: command.target) else {
            if case .device(let id) = command.target { return .unknownDevice(id) }
            return .modeNotForTarget(mode: command.mode.kind.name, target: command.target)
        }
        guard kind == command.mode.kind.deviceKind else {
            return .modeNotForTarget(mode: command.mode.kind.name, target: command.target)
        }
        do { try command.mode.validate() } catch { return error }
        if let end = command.endInstant, end <= now { return .endNotInFuture(end: end, now: now) }
        return nil
    }
}
