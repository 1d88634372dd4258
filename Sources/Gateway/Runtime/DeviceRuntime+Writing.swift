import Logging
import Modbus
import SiteConfig
import Synchronization
import Vocabulary

/// Carrying out orders: recipes are written when the order changes, again when the device's
/// refresh is due, and the heartbeat on its own interval. Runs on the endpoint worker's thread.
extension DeviceRuntime {
    struct WriteWork {
        enum Kind {
            /// The plan's recipes.
            case order
            /// The map's release recipe: no command holds the device any more.
            case release
        }

        var kind: Kind = .order
        var plan: DeviceOrderPlan
        /// Run the AUTO recipe first: a mode the device had is no longer wanted.
        var resetFirst: Bool
        var reason: String
        /// Write every step again, even registers that already hold the value (a refresh, a
        /// re-issued order, a drift).
        var rewriteAll: Bool
    }

    /// The recipe writes due now, if any.
    func writeWork(at now: ContinuousClock.Instant) -> WriteWork? {
        state.withLock { state in
            guard state.lastGoodRead != nil, state.desiredIsCurrent else { return nil }
            if let retry = state.writeRetryAt, now < retry { return nil }
            if state.desired.steps.isEmpty {
                guard state.owesRelease else { return nil }
                return WriteWork(kind: .release, plan: .idle, resetFirst: false, reason: "released", rewriteAll: true)
            }
            if state.written != state.desired {
                let before = state.written?.modes ?? []
                let reset = !before.isEmpty && !before.isSubset(of: state.desired.modes)
                // From nothing (start, release, a device back) every register is written, and a
                // device with a validity timer has it re-armed by every new order.
                let rewrite = reset || before.isEmpty || map.control.refresh != nil
                return WriteWork(plan: state.desired, resetFirst: reset, reason: "order changed", rewriteAll: rewrite)
            }
            if !state.drifted.isEmpty {
                return WriteWork(plan: state.desired, resetFirst: false, reason: "registers drifted", rewriteAll: true)
            }
            if let refresh = map.control.refresh, let last = state.lastWrite, now - last >= refresh.interval {
                return WriteWork(plan: state.desired, resetFirst: false, reason: "refresh", rewriteAll: true)
            }
            return nil
        }
    }

    /// Whether a release is owed: busbar wrote an order that nothing has handed back.
    var owesRelease: Bool { state.withLock { $0.owesRelease } }

    func heartbeatDue(at now: ContinuousClock.Instant) -> Heartbeat? {
        guard let heartbeat = map.control.heartbeat else { return nil }
        return state.withLock { state in
            // Only while busbar holds the device: once it is handed back, the device's own
            // communication timeout (Webasto: its safe current) is the backstop.
            guard state.lastGoodRead != nil, !state.desired.steps.isEmpty || state.owesRelease else { return nil }
            return state.lastHeartbeat.map { now - $0 >= heartbeat.interval } ?? true ? heartbeat : nil
        }
    }

    /// Writes `work`'s recipes in order; on success the device counts as having the order.
    @available(*, noasync)
    func carryOut(_ work: WriteWork, with client: ModbusClient, at now: ContinuousClock.Instant) throws {
        var steps: [(WriteStep, [String: Double])] = []
        // An order owes a release from its first write on: a half-written order is in force too.
        if work.kind == .order { state.withLock { $0.owesRelease = true } }
        switch work.kind {
        case .release:
            steps = map.control.releaseSteps(for: map.kind).map { ($0, [:]) }
        case .order:
            if work.resetFirst, let auto = map.control.recipes[.ess(.auto)] {
                steps += auto.steps.map { ($0, [:]) }
            }
            for step in work.plan.steps {
                guard let recipe = map.control.recipes[step.mode] else { continue }
                let parameters = Dictionary(uniqueKeysWithValues: step.parameters.map { ($0.key.rawValue, $0.value) })
                steps += recipe.steps.map { ($0, parameters) }
            }
        }
        for (step, parameters) in steps {
            try write(step, parameters: parameters, with: client, skipUnchanged: !work.rewriteAll)
        }
        let written = Set(steps.map(\.0.point))
        let recovered = state.withLock { state -> Int in
            if state.written != work.plan {
                state.rewrittenAfterPoll = [:]
                state.unheld = []
                // What the device is meant to hold is what this order writes, not what an
                // earlier one did.
                state.lastWords = state.lastWords.filter { written.contains($0.key) }
            }
            for name in state.drifted { state.rewrittenAfterPoll[name] = state.polls }
            state.drifted = []
            state.written = work.plan
            state.lastWrite = now
            state.owesRelease = work.kind == .order
            defer {
                state.writeFailures = 0
                state.writeRetryAt = nil
            }
            return state.writeFailures
        }
        if recovered > 0 {
            logger.notice("device write succeeded again", metadata: ["device.write.failures": "\(recovered)"])
        }
        logger.info(
            "device order written",
            metadata: [
                "device.order":
                    "\(work.kind == .release ? "RELEASE" : "\(work.plan.steps.map { "\($0.mode)\($0.parameters.isEmpty ? "" : "\($0.parameters)")" })")",
                "reason": "\(work.reason)",
            ])
    }

    /// Records a failed write and when to try again: like a failed poll, the poll interval
    /// doubled per failure up to 30 s, so a device that refuses a write is not hammered (on a
    /// shared RTU line that would starve its neighbours). Logged once, with the error.
    func writeFailed(_ error: any Error, at now: ContinuousClock.Instant, interval: Duration) {
        RuntimeMetrics.writeFailed(device: id, error: error)
        let first = state.withLock { state -> Bool in
            state.writeFailures += 1
            state.writeFailuresTotal += 1
            state.writeRetryAt = now + Self.backoff(after: state.writeFailures, interval: interval)
            return state.writeFailures == 1
        }
        if first { logger.warning("device write failed", metadata: ["error": "\(error)"]) }
    }

    /// Hands the device back on a clean stop: its release recipe, when busbar wrote an order
    /// nothing has released. A device that does not answer keeps what it has; the failure is
    /// logged.
    @available(*, noasync)
    func handBack(with client: ModbusClient, at now: ContinuousClock.Instant) {
        guard owesRelease, isOnline(at: now) else {
            if owesRelease { logger.error("device not handed back: it is not answering") }
            return
        }
        do {
            try carryOut(
                WriteWork(kind: .release, plan: .idle, resetFirst: false, reason: "stop", rewriteAll: true),
                with: client, at: now)
        } catch {
            logger.error("device not handed back", metadata: ["error": "\(error)"])
        }
    }

    /// A heartbeat the device refused or left unanswered: tried again at its interval, logged once
    /// until one succeeds.
    func heartbeatFailed(_ error: any Error, at now: ContinuousClock.Instant) {
        let first = state.withLock { state -> Bool in
            state.lastHeartbeat = now
            state.writeFailuresTotal += 1
            defer { state.heartbeatFailing = true }
            return !state.heartbeatFailing
        }
        if first { logger.warning("device heartbeat failed", metadata: ["error": "\(error)"]) }
    }

    @available(*, noasync)
    func beat(_ heartbeat: Heartbeat, with client: ModbusClient, at now: ContinuousClock.Instant) throws {
        // A heartbeat is a pulse the device consumes (Webasto clears its life bit): not a
        // register the device is meant to hold, so it is not reconciled.
        try write(heartbeat.step, parameters: [:], with: client, skipUnchanged: false, held: false)
        state.withLock {
            $0.lastHeartbeat = now
            $0.heartbeatFailing = false
        }
    }

    /// Evaluates a step's value over the mode parameters, the map's constants and the last read
    /// values, encodes it with the point's codec and writes it: FC5 for a coil, FC6 for one
    /// register, FC16 for more (a multi-register value is never split).
    @available(*, noasync)
    private func write(
        _ step: WriteStep, parameters: [String: Double], with client: ModbusClient, skipUnchanged: Bool,
        held: Bool = true
    ) throws {
        guard let point = layout.point(named: step.point) else { return }
        let unit = UInt8(clamping: point.unit(device: config.unit))
        let values = state.withLock { $0.values }
        guard let value = step.value.evaluate({ parameters[$0] ?? map.constants[$0] ?? values[$0] }) else {
            throw WriteFailure(message: "cannot evaluate \(step.value) for \(step.point): a value it needs is unknown")
        }
        if point.table == .coil {
            let words: [UInt16] = [value != 0 ? 1 : 0]
            guard !skipUnchanged || state.withLock({ $0.lastWords[point.name] }) != words else { return }
            try client.writeSingleCoil(unit: unit, address: point.address, value: value != 0)
            if held { state.withLock { $0.lastWords[point.name] = words } }
            return
        }
        var codec = point.codec
        if let factor = point.scaleRegister {
            guard let exponent = values[factor] else {
                throw WriteFailure(message: "scale factor \(factor) of \(step.point) has not been read yet")
            }
            codec = point.codec(scaleFactor: Int(exponent))
        }
        let words: [UInt16]
        do {
            words = try codec.encode(engineering: value)
        } catch {
            throw WriteFailure(message: "\(step.point): \(error)")
        }
        guard !skipUnchanged || state.withLock({ $0.lastWords[point.name] }) != words else { return }
        if words.count == 1 {
            try client.writeSingleRegister(unit: unit, address: point.address, value: words[0])
        } else {
            try client.writeMultipleRegisters(unit: unit, address: point.address, values: words)
        }
        if held { state.withLock { $0.lastWords[point.name] = words } }
        if map.control.readback, point.access != .write {
            let back = try client.read(point.table, unit: unit, address: point.address, count: words.count)
            if back != words {
                logger.warning(
                    "read-back differs from the write",
                    metadata: ["point": "\(step.point)", "written": "\(words)", "read": "\(back)"])
            }
        }
    }
}

/// A recipe step that could not be written, with why.
struct WriteFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
