import Control
import DeviceIO
import GatewayState
import Logging
import Modbus
import SiteConfig
import Synchronization
import Vocabulary

/// One device of the site at run time: its map, its read plan, what was last read, and what it
/// should be doing. Telemetry is written by the device's endpoint worker and read by the
/// controller; the order is written by the controller and carried out by the worker. Both sides
/// go through `state`.
final class DeviceRuntime: Sendable {
    struct State {
        var values: [String: Double] = [:]
        var identity: [String: String] = [:]
        var lastGoodRead: ContinuousClock.Instant?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var desired = DeviceOrderPlan.idle
        var written: DeviceOrderPlan?
        var lastWrite: ContinuousClock.Instant?
        var lastHeartbeat: ContinuousClock.Instant?
        /// What each point was last written with, so that an order change writes only the
        /// registers that change (a refresh writes them all again).
        var lastWords: [String: [UInt16]] = [:]
        var wasOnline = false
        /// Whether busbar wrote an order that nothing has released since: the device is handed
        /// back (its release recipe) when no command holds it any more, or on a clean stop.
        var owesRelease = false
        /// Written points the last poll found holding something else: rewritten with the next
        /// write.
        var drifted: Set<String> = []
        /// The poll after which each point was last rewritten for drifting.
        var rewrittenAfterPoll: [String: Int] = [:]
        /// Points found drifted again at the very next poll after their rewrite: the device does
        /// not keep what it is written, so they are not chased until the order changes.
        var unheld: Set<String> = []
        /// Good polls since the start.
        var polls = 0
        /// Writes refused or unanswered in a row, and when to try again.
        var writeFailures = 0
        var writeRetryAt: ContinuousClock.Instant?
        /// Every write that failed since the start, for the status.
        var writeFailuresTotal = 0
        var heartbeatFailing = false
        /// Whether `desired` comes from a decision taken while the device answered: after an
        /// absence nothing is written until the controller has decided again, so an order that
        /// ended meanwhile is never replayed.
        var desiredIsCurrent = true
    }

    let config: DeviceConfig
    /// The map and its read plan, at the addresses discovery found on the device once it ran
    /// (`DeviceRuntime+Discovery.swift`); the map's own until then.
    var map: DeviceMap { located.withLock { $0.map } }
    var plan: [PlannedRead] { located.withLock { $0.plan } }
    let located: Mutex<LocatedMap>
    let staleAfter: Duration
    /// How often the device is polled: its own `poll_interval`, else the site's.
    let pollInterval: Duration
    /// The control core's names of the modes the map can carry out, computed once.
    let supportedModes: Set<ModeKind>
    /// The granularity of the current a chargepoint's map writes, A: the scale of the integer
    /// register its current recipes write the core's `current` into (1 for whole amperes), the
    /// finest step for a float register.
    let currentStep: Double
    let state = Mutex(State())
    let logger: Logger

    /// - Parameter pollInterval: the site's; the device's own `poll_interval` takes precedence.
    init(config: DeviceConfig, map: DeviceMap, pollInterval: Duration, logger: Logger) {
        self.config = config
        self.located = Mutex(LocatedMap(map: map))
        self.supportedModes = Set(map.control.recipes.keys)
        self.currentStep = Self.currentStep(of: map)
        self.pollInterval = config.pollInterval ?? pollInterval
        // Three missed polls make a device stale (at least three seconds).
        self.staleAfter = max(self.pollInterval * 3, .seconds(3))
        var logger = logger
        logger[metadataKey: "device.id"] = "\(config.id)"
        logger[metadataKey: "modbus.unit"] = "\(config.unit)"
        self.logger = logger
    }

    var id: String { config.id }
    var unit: UInt8 { UInt8(clamping: config.unit) }

    func isOnline(at now: ContinuousClock.Instant) -> Bool {
        state.withLock { state in
            guard let last = state.lastGoodRead else { return false }
            return now - last <= staleAfter
        }
    }

    /// The status the upstream profiles publish.
    func status(at now: ContinuousClock.Instant) -> DeviceStatus {
        state.withLock { state in
            let age = state.lastGoodRead.map { now - $0 }
            return DeviceStatus(
                id: config.id, kind: map.kind, online: age.map { $0 <= staleAfter } ?? false, age: age,
                values: state.values, identity: state.identity, ratings: config.ratings,
                writeFailures: state.writeFailuresTotal)
        }
    }

    private static func currentStep(of map: DeviceMap) -> Double {
        let steps = map.control.recipes.values.flatMap(\.steps).filter {
            $0.value.names.contains(ModeParameter.Name.current.rawValue)
        }
        let points = steps.compactMap { map.point(named: $0.point) }.filter { $0.valueType.integerRange != nil }
        return points.map { abs($0.scale) }.max() ?? ChargepointTelemetry.defaultCurrentStep
    }

    /// Takes over everything the same device (same configuration, same map) knew under the site
    /// this one replaces on a reload, over the same connection: its telemetry and online state,
    /// the order written and the registers it holds, failures and back-off, and a release still
    /// owed. Nothing is written again for the reload itself.
    func inherit(from previous: DeviceRuntime) {
        let known = previous.state.withLock { $0 }
        state.withLock { $0 = known }
        let addresses = previous.located.withLock { $0 }
        located.withLock { $0 = addresses }
    }

    /// Replaces the order; returns whether it differs from what the device has now.
    func setDesired(_ plan: DeviceOrderPlan) -> Bool {
        state.withLock { state in
            if state.desired != plan { state.writeRetryAt = nil }  // a new order is tried at once
            state.desired = plan
            state.desiredIsCurrent = true
            return state.written != plan
        }
    }
}

// MARK: - Polling (runs on the endpoint worker's thread)

extension DeviceRuntime {
    /// Runs the planned block reads and decodes every point. A block answered with an
    /// exception loses only its own points; no answer at all fails the whole poll.
    @available(*, noasync)
    func poll(with client: ModbusClient, at now: ContinuousClock.Instant) throws(ModbusError) {
        try locate(with: client)
        let (map, plan) = located.withLock { ($0.map, $0.plan) }
        let read = try DeviceRead.perform(plan, of: map, deviceUnit: config.unit, client: client, policy: .poll)
        if let (name, error) = read.failures.first {
            logger.debug(
                "block read refused",
                metadata: ["points.refused": "\(read.failures.count)", "point": "\(name)", "error": "\(error)"])
        }
        let reading = DecodedReading(read, map: map)
        let (values, identity, raw) = (reading.values, reading.identity, read.words)
        reconcile(raw)
        let cameOnline = state.withLock { state -> Bool in
            // Stale since the last good read means offline to the controller, even when the
            // answer came back before a failed poll marked it so: the device may have restarted
            // meanwhile, so its order is written again, whole.
            let returning = !state.wasOnline || state.lastGoodRead.map { now - $0 > staleAfter } ?? true
            if returning {
                state.desiredIsCurrent = false
                state.written = nil
                state.lastWords = [:]
            }
            state.values = values
            state.identity.merge(identity) { $1 }
            state.lastGoodRead = now
            state.failures = 0
            state.retryAt = nil
            state.wasOnline = true
            return returning
        }
        if cameOnline { logger.notice("device online") }
    }

    /// Records a failed poll and when to try again: the poll interval doubled per failure, at
    /// most 30 s, so a dead device costs little and is found again within one back-off step.
    func pollFailed(_ error: ModbusError, at now: ContinuousClock.Instant, interval: Duration) {
        RuntimeMetrics.pollFailed(device: id, error: error)
        let (wentOffline, firstMiss) = state.withLock { state -> (Bool, Bool) in
            state.failures += 1
            state.retryAt = now + Self.backoff(after: state.failures, interval: interval)
            let stale = state.lastGoodRead.map { now - $0 > staleAfter } ?? true
            if stale, state.wasOnline {
                state.wasOnline = false
                state.written = nil  // when it returns, its order is written again, whole
                state.desiredIsCurrent = false
                state.lastWords = [:]
                return (true, false)
            }
            return (false, state.failures == 1 && state.lastGoodRead == nil)
        }
        if wentOffline {
            forgetLocation()
            logger.warning("device offline", metadata: ["error": "\(error)"])
        }
        if firstMiss { logger.warning("device not answering", metadata: ["error": "\(error)"]) }
    }

    /// Compares what the poll read with the registers the device is meant to hold while an order
    /// is in force, and marks what drifted (a restart, another master) to be written again.
    private func reconcile(_ raw: [String: [UInt16]]) {
        var given: [String] = []
        let drifts = state.withLock { state -> [(String, read: [UInt16], held: [UInt16])] in
            state.polls += 1
            guard !state.desired.steps.isEmpty, state.written == state.desired else { return [] }
            var found: [(String, read: [UInt16], held: [UInt16])] = []
            for (name, held) in state.lastWords.sorted(by: { $0.key < $1.key }) {
                guard let read = raw[name], read != held, !state.unheld.contains(name), !state.drifted.contains(name)
                else { continue }
                if state.rewrittenAfterPoll[name] == state.polls - 1 {
                    state.unheld.insert(name)
                    given.append(name)
                    continue
                }
                found.append((name, read, held))
                state.drifted.insert(name)
            }
            return found
        }
        for name in given {
            logger.warning(
                "device does not keep a written register; not rewritten until the order changes",
                metadata: ["point": "\(name)"])
        }
        for (name, read, held) in drifts {
            logger.warning(
                "register drifted, writing it again",
                metadata: ["point": "\(name)", "register.read": "\(read)", "register.written": "\(held)"])
        }
    }

    /// How long to wait after `failures` failures in a row: the interval doubled per failure, at
    /// most 30 s.
    static func backoff(after failures: Int, interval: Duration) -> Duration {
        min(interval * (1 << min(max(failures, 1) - 1, 10)), .seconds(30))
    }

    func pollDue(at now: ContinuousClock.Instant) -> Bool {
        state.withLock { state in state.retryAt.map { now >= $0 } ?? true }
    }
}
