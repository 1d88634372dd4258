import Vocabulary
import Logging
import Modbus
import SiteConfig
import Synchronization

/// Carrying out orders: recipes are written when the order changes, again when the device's
/// refresh is due, and the heartbeat on its own interval. Runs on the endpoint worker's thread.
extension DeviceRuntime {
    struct WriteWork {
        var plan: DeviceOrderPlan
        /// Run the AUTO recipe first: a mode the device had is no longer wanted.
        var resetFirst: Bool
        var reason: String
        /// Write every step again, even registers that already hold the value (a refresh).
        var rewriteAll: Bool
    }

    /// The recipe writes due now, if any.
    func writeWork(at now: ContinuousClock.Instant) -> WriteWork? {
        state.withLock { state in
            guard state.lastGoodRead != nil else { return nil }
            if state.written != state.desired {
                let dropped = !(state.written?.modes ?? []).isSubset(of: state.desired.modes)
                let reset = state.desired.steps.isEmpty || dropped
                return WriteWork(plan: state.desired, resetFirst: reset, reason: "order changed", rewriteAll: reset)
            }
            if let refresh = map.control.refresh, !state.desired.steps.isEmpty,
                let last = state.lastWrite, now - last >= refresh.interval
            {
                return WriteWork(plan: state.desired, resetFirst: false, reason: "refresh", rewriteAll: true)
            }
            return nil
        }
    }

    func heartbeatDue(at now: ContinuousClock.Instant) -> Heartbeat? {
        guard let heartbeat = map.control.heartbeat else { return nil }
        return state.withLock { state in
            guard state.lastGoodRead != nil else { return nil }
            return state.lastHeartbeat.map { now - $0 >= heartbeat.interval } ?? true ? heartbeat : nil
        }
    }

    /// Writes `work`'s recipes in order; on success the device counts as having the order.
    @available(*, noasync)
    func carryOut(_ work: WriteWork, with client: ModbusClient, at now: ContinuousClock.Instant) throws {
        var steps: [(WriteStep, [String: Double])] = []
        if work.resetFirst, let auto = map.control.recipes[.ess(.auto)] {
            steps += auto.steps.map { ($0, [:]) }
        }
        for step in work.plan.steps {
            guard let recipe = map.control.recipes[step.mode] else { continue }
            let parameters = Dictionary(uniqueKeysWithValues: step.parameters.map { ($0.key.rawValue, $0.value) })
            steps += recipe.steps.map { ($0, parameters) }
        }
        for (step, parameters) in steps {
            try write(step, parameters: parameters, with: client, skipUnchanged: !work.rewriteAll)
        }
        state.withLock { state in
            state.written = work.plan
            state.lastWrite = now
        }
        logger.info(
            "device order written",
            metadata: [
                "device.order": "\(work.plan.steps.map { "\($0.mode)\($0.parameters.isEmpty ? "" : "\($0.parameters)")" })",
                "reason": "\(work.reason)",
            ])
    }

    @available(*, noasync)
    func beat(_ heartbeat: Heartbeat, with client: ModbusClient, at now: ContinuousClock.Instant) throws {
        try write(heartbeat.step, parameters: [:], with: client, skipUnchanged: false)
        state.withLock { $0.lastHeartbeat = now }
    }

    /// Evaluates a step's value over the mode parameters, the map's constants and the last read
    /// values, encodes it with the point's codec and writes it: FC5 for a coil, FC6 for one
    /// register, FC16 for more (a multi-register value is never split).
    @available(*, noasync)
    private func write(
        _ step: WriteStep, parameters: [String: Double], with client: ModbusClient, skipUnchanged: Bool
    ) throws {
        guard let point = map.point(named: step.point) else { return }
        let unit = UInt8(clamping: point.unit(device: config.unit))
        let values = state.withLock { $0.values }
        guard let value = step.value.evaluate({ parameters[$0] ?? map.constants[$0] ?? values[$0] }) else {
            throw WriteFailure(message: "cannot evaluate \(step.value) for \(step.point): a value it needs is unknown")
        }
        if point.table == .coil {
            let words: [UInt16] = [value != 0 ? 1 : 0]
            guard !skipUnchanged || state.withLock({ $0.lastWords[point.name] }) != words else { return }
            try client.writeSingleCoil(unit: unit, address: point.address, value: value != 0)
            state.withLock { $0.lastWords[point.name] = words }
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
        state.withLock { $0.lastWords[point.name] = words }
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
