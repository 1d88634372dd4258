public import Control
import Foundation
public import GatewayState
import Logging
import Modbus
import SiteConfig
import Synchronization
import Vocabulary

/// Runs the control core on events: a command from a master, a poll that brought new
/// telemetry, or the watchdog's tick. After each decision it hands every device its order and
/// publishes a fresh snapshot for the upstream profiles. It is the gateway's `CommandSink`.
public final class GatewayController: CommandSink, @unchecked Sendable {
    // @unchecked Sendable: the core, the wiring, the last decision and the snapshot are behind
    // Mutexes; the rest is immutable or thread-safe.
    private let core: Mutex<ControlCore>
    private let published: Mutex<GatewaySnapshot>
    private let wiring: Mutex<Wiring>
    private let clock: any RuntimeClock
    private let epoch: ContinuousClock.Instant
    private let logger: Logger
    private let loop: RuntimeLoop
    private let activeModes = Mutex<[Target: String]>([:])
    private let scheduleFile: Mutex<ScheduleFile?>
    /// The site's weekly default schedule, handed to the core a week ahead, again every day.
    private let weekly: Mutex<WeeklyPlan>
    let watch = Mutex(Watch())

    /// Who is told of the controller's events, and what was last told them.
    struct Watch {
        var observer: (any GatewayObserver)?
        var online: [String: Bool] = [:]
        var lost: Set<String> = []
    }

    /// Tells `observer` of every command, mode change, lost command and device coming or going
    /// from now on.
    public func observe(_ observer: any GatewayObserver) { watch.withLock { $0.observer = observer } }

    private func tell(_ event: GatewayEvent) { watch.withLock { $0.observer }?.gateway(event) }

    /// What the controller steers: the devices of the site in force and the workers that reach them.
    private struct Wiring {
        var siteName: String
        var devices: [DeviceRuntime]
        var workers: [String: EndpointWorker]
        /// The JSON APIs' other names for targets (the site's `aliases:`).
        var aliases: [String: Target]
        /// Where the site is, for `until: sunrise|sunset`.
        var location: SiteLocation?

        init(site: Site, devices: [DeviceRuntime], workers: [String: EndpointWorker]) {
            siteName = site.name
            self.devices = devices
            self.workers = workers
            aliases = site.targetAliases.mapValues(Target.init(apiKey:))
            location = site.location
        }
    }

    init(
        site: Site, configuration: ControlConfiguration, devices: [DeviceRuntime], workers: [String: EndpointWorker],
        clock: any RuntimeClock, logger: Logger
    ) {
        self.clock = clock
        epoch = clock.now
        loop = RuntimeLoop(name: "busbar-control", clock: clock)
        self.core = Mutex(ControlCore(configuration: configuration))
        self.wiring = Mutex(Wiring(site: site, devices: devices, workers: workers))
        self.logger = logger
        self.scheduleFile = Mutex(site.stateFile.map(ScheduleFile.init(path:)))
        self.weekly = Mutex(WeeklyPlan(slots: site.weeklySchedule, zone: site.zone))
        self.published = Mutex(
            GatewaySnapshot(siteName: site.name, at: .seconds(0), devices: [], decision: nil, gridPower: nil))
    }

    /// Takes over a reloaded site: the commands, schedules and watchdogs in force carry over on
    /// the same clock, what the new site cannot hold is dropped and logged with why, and the
    /// next decision steers the new site's devices.
    func reconfigure(
        site: Site, configuration: ControlConfiguration, devices: [DeviceRuntime], workers: [String: EndpointWorker]
    ) {
        let dropped = core.withLock { $0.reconfigure(configuration) }
        for command in dropped {
            let reason =
                configuration.source(command.source) == nil
                ? "its source is no longer in the site file"
                : "its target is no longer in the site file or is another kind of device"
            logger.notice("command dropped by the reload", metadata: ["command": "\(command)", "reason": "\(reason)"])
        }
        wiring.withLock { $0 = Wiring(site: site, devices: devices, workers: workers) }
        scheduleFile.withLock { $0 = site.stateFile.map(ScheduleFile.init(path:)) }
        weekly.withLock { plan in
            // A plan that ran before clears its schedules when the new site has none.
            let ran = plan.reach != nil
            plan = WeeklyPlan(slots: site.weeklySchedule, zone: site.zone)
            if ran, site.weeklySchedule.isEmpty {
                _ = core.withLock { $0.replaceSchedules([], of: WeeklyPlan.source, scope: .allTargets, at: now()) }
            }
        }
        saveSchedules()
        requestDecision()
    }

    /// The device with `id`, if the site has it.
    func device(_ id: String) -> DeviceRuntime? { wiring.withLock { $0.devices.first { $0.id == id } } }

    /// The latest snapshot; upstream profiles read registers from it.
    public var snapshot: GatewaySnapshot { published.withLock { $0 } }

    // MARK: CommandSink

    public func now() -> ControlInstant { ControlInstant(sinceEpoch: clock.now - epoch) }

    public func replaceSchedules(
        _ schedules: [Schedule], of source: SourceID, scope: Schedule.Scope
    ) -> Result<ScheduleReceipt, CommandRejection> {
        let result = core.withLock { $0.replaceSchedules(schedules, of: source, scope: scope, at: now()) }
        switch result {
        case .success(let receipt):
            logger.info(
                "schedule replaced",
                metadata: [
                    "source": "\(source)", "slots": "\(receipt.slots)",
                    "targets": "\(receipt.replaced.map(\.description).joined(separator: ","))",
                ])
            saveSchedules()
            requestDecision()
        case .failure(let rejection):
            logger.notice("schedule rejected", metadata: ["source": "\(source)", "reason": "\(rejection)"])
        }
        return result
    }

    /// A command from an upstream profile is from the master whose request the Modbus server
    /// serves (`ModbusRequestContext.client`).
    public func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection> {
        submit(command, client: ModbusRequestContext.client)
    }

    public func submit(_ command: Command, client: String?) -> Result<CommandReceipt, CommandRejection> {
        let result = core.withLock { $0.apply(command, at: now()) }
        RuntimeMetrics.received(command, accepted: (try? result.get()) != nil)
        if case .failure(let rejection) = result {
            tell(.command(command, rejection: rejection, client: client))
        } else {
            tell(.command(command, rejection: nil, client: client))
        }
        switch result {
        case .success:
            logger.debug("command accepted", metadata: ["command": "\(command)"])
            requestDecision()
        case .failure(let rejection):
            logger.notice("command rejected", metadata: ["command": "\(command)", "reason": "\(rejection)"])
        }
        return result
    }

    public func refresh(_ source: SourceID) {
        _ = core.withLock { $0.refresh(source, at: now()) }
    }

    public func release(_ source: SourceID, target: Target?) {
        let released = core.withLock { $0.release(source: source, target: target) }
        if !released.isEmpty {
            for command in released { logger.info("command released", metadata: ["command": "\(command)"]) }
            requestDecision()
        }
    }

    // MARK: Running

    /// Asks for a new decision as soon as possible (a command, or new telemetry).
    func requestDecision() { loop.wake() }

    /// Runs the control loop until it stops: the schedules the state file kept are taken up,
    /// then it decides on each wake (a command, new telemetry) and at least every 250 ms (the
    /// watchdog's resolution), and at each slot boundary or explicit end.
    func run() async {
        await loop.run { [self] loop in
            restoreSchedules()
            decide()
            while await loop.wait(upTo: nextWait()) { decide() }
        }
    }

    /// Runs the loop in the background, for a gateway run without services.
    func start() {
        Task { await run() }
    }

    /// How long the loop may sleep: until the next slot boundary or command end, at most 250 ms.
    private func nextWait() -> Duration {
        let now = now()
        let next = core.withLock { $0.nextChange(after: now) }
        return min(.milliseconds(250), max(.zero, next.map { now.duration(to: $0) } ?? .milliseconds(250)))
    }

    /// Hands the weekly schedule's next week to the core when it is due (``WeeklyPlan``).
    private func renewWeeklySchedule(at time: TimeBase) {
        guard let schedules = weekly.withLock({ $0.renewal(at: time) }) else { return }
        let result = core.withLock {
            $0.replaceSchedules(schedules, of: WeeklyPlan.source, scope: .allTargets, at: time.control)
        }
        switch result {
        case .success(let receipt):
            logger.info("weekly schedule renewed", metadata: ["slots": "\(receipt.slots)"])
        case .failure(let rejection):
            logger.error("weekly schedule refused", metadata: ["reason": "\(rejection)"])
        }
    }

    /// Writes the schedules to the state file, if the site names one. A failure is logged and
    /// the schedules stay in force.
    private func saveSchedules() {
        guard let file = scheduleFile.withLock({ $0 }) else { return }
        let time = TimeBase(wall: clock.date, control: now())
        let schedules = core.withLock { $0.schedulesHeld }
        do { try file.save(schedules, at: time) } catch {
            logger.error("cannot write the state file", metadata: ["file": "\(file.path)", "error": "\(error)"])
        }
    }

    /// Takes up the schedules the state file kept from the last run: slots already over are
    /// dropped, and a schedule the site no longer allows is logged and left out.
    private func restoreSchedules() {
        guard let file = scheduleFile.withLock({ $0 }) else { return }
        let time = TimeBase(wall: clock.date, control: now())
        let stored: [Schedule]
        do { stored = try file.load(at: time) } catch {
            logger.error("cannot read the state file", metadata: ["file": "\(file.path)", "error": "\(error)"])
            return
        }
        for (source, schedules) in Dictionary(grouping: stored, by: \.source).sorted(by: { $0.key < $1.key }) {
            let result = core.withLock {
                $0.replaceSchedules(schedules, of: source, scope: .namedTargets, at: time.control)
            }
            switch result {
            case .success(let receipt):
                logger.notice("schedule restored", metadata: ["source": "\(source)", "slots": "\(receipt.slots)"])
            case .failure(let rejection):
                logger.notice(
                    "schedule dropped at start", metadata: ["source": "\(source)", "reason": "\(rejection)"])
            }
        }
    }

    func stop() { loop.stop() }

    /// Asks the control loop to end after its current step, without waiting.
    func requestStop() { loop.requestStop() }

    /// One control step: expire, decide, hand out orders, publish.
    func decide() {
        let (siteName, devices, workers, aliases, location) = wiring.withLock {
            ($0.siteName, $0.devices, $0.workers, $0.aliases, $0.location)
        }
        let started = ContinuousClock.now
        defer { RuntimeMetrics.decided(duration: ContinuousClock.now - started) }
        let instant = clock.now
        let at = ControlInstant(sinceEpoch: instant - epoch)
        renewWeeklySchedule(at: TimeBase(wall: clock.date, control: at))
        let statuses = devices.map { $0.status(at: instant) }
        let site = Self.siteSnapshot(devices: devices, statuses: statuses, at: at)
        let (expirations, decision) = core.withLock { core in
            let expired = core.tick(at: at)
            return (expired, core.decide(site: site, at: at))
        }
        for expiration in expirations {
            logger.notice(
                "command ended",
                metadata: [
                    "command": "\(expiration.command)", "reason": "\(expiration.reason.rawValue)",
                    "source": "\(expiration.command.source)",
                ])
        }
        logModeChanges(decision)
        tellChanges(statuses: statuses, decision: decision)
        for device in devices {
            // An offline device keeps the order it had: it is not released for being away, and
            // gets the decision taken once it answers again.
            guard let order = decision.device(DeviceID(device.id)), order.online else { continue }
            let plan: DeviceOrderPlan
            switch order.order {
            case .current(let amperes):
                plan = DeviceOrderPlan.plan(current: amperes, recipes: order.recipes, map: device.map)
            case .auto: plan = .idle
            default: plan = DeviceOrderPlan.plan(for: order.recipes, map: device.map)
            }
            if device.setDesired(plan) { workers[device.config.endpoint.description]?.wake() }
        }
        let grid = statuses.first { $0.kind == .meter && $0.online }?.value(.activePower)
        published.withLock {
            $0 = GatewaySnapshot(siteName: siteName, at: at, devices: statuses, decision: decision, gridPower: grid)
            $0.aliases = aliases
            $0.location = location
        }
    }

    /// Logs each target's active mode once when it changes, with its source.
    private func logModeChanges(_ decision: Decision) {
        var changes: [(Target, String, ActiveCommand)] = []
        var ended: [Target] = []
        activeModes.withLock { known in
            var current: [Target: String] = [:]
            for active in decision.active {
                let target = active.command.target
                let label = "\(active.command.mode) from \(active.command.origin)"
                current[target] = label
                if known[target] != label { changes.append((target, label, active)) }
            }
            ended = known.keys.filter { current[$0] == nil }
            known = current
        }
        for target in ended {
            logger.notice("mode changed", metadata: ["target": "\(target)", "mode": "fallback", "source": "fallback"])
        }
        for target in ended { tell(.modeChanged(target: target, mode: nil, origin: .fallback, remaining: nil)) }
        for (target, _, active) in changes {
            tell(
                .modeChanged(
                    target: target, mode: active.command.mode, origin: active.command.origin,
                    remaining: active.remaining))
            logger.notice(
                "mode changed",
                metadata: [
                    "target": "\(target)", "mode": "\(active.command.mode)", "source": "\(active.command.origin)",
                    "remaining": "\(active.secondsLeft.map { "\($0) s" } ?? "until replaced")",
                ])
        }
        for lost in decision.lost {
            logger.debug("command lost", metadata: ["command": "\(lost.command)", "reason": "\(lost.reason)"])
        }
    }
}
