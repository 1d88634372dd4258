import SiteConfig
import Vocabulary

/// A simulated chargepoint's car and what it delivers.
struct ChargepointState {
    var car: Car?
    /// A per phase, as of the last step.
    var current = 0.0
    var phases = 3
    /// Wh delivered since the start.
    var delivered = 0.0
    var state = ChargeState.unplugged
}

extension SimulatedDevice {
    /// Runs the chargepoint for `seconds`: the car draws what the current limit allows on its
    /// phases, nothing below 6 A or while disabled, and stops when it reaches its target.
    func runChargepoint(seconds: Double) {
        guard var state = chargepoint else { return }
        let offered = min(
            (spec.current ?? .name("current_limit")).evaluate { name in map.constants[name] ?? registers.value(of: name)
            } ?? 0,
            config.ratings.maxCurrent ?? .infinity
        )
        let enabled = spec.enabled.flatMap { evaluate($0) } ?? 1
        let phases = spec.phases.flatMap { evaluate($0) }.map { Int($0) } ?? config.ratings.phases ?? 3
        state.phases = phases
        guard var car = state.car else {
            (state.current, state.state, power) = (0, .unplugged, 0)
            chargepoint = state
            return
        }
        if car.isFull {
            (state.current, state.state, power) = (0, .finished, 0)
        } else if enabled == 0 || offered < minimumChargingCurrent {
            (state.current, state.state, power) = (0, .connected, 0)
        } else {
            state.current = min(offered, car.maxCurrent)
            state.state = .charging
            power = state.current * Double(min(phases, car.phases)) * nominalPhaseVoltage
            let energy = min(power * seconds / 3600, (car.targetSoc - car.soc) / 100 * car.capacity)
            car.soc += energy / car.capacity * 100
            state.delivered += energy
        }
        state.car = car
        chargepoint = state
    }

    func plug(_ car: Car?) {
        chargepoint?.car = car
    }

    /// Shows `state` in the status point: the map's `simulation.status`, else a value named
    /// like the state in the point's `values:`, else IEC 61851 letters (as text, or their ASCII
    /// code in a number, as Phoenix Contact does).
    func publishStatus(_ state: ChargeState) {
        guard let point = map[role: .status], !point.access.isWritable else { return }
        if let preset = spec.status[state] {
            registers.set(point.name, to: preset)
            return
        }
        let letters: [ChargeState: String] = [.unplugged: "A1", .connected: "B1", .charging: "C2", .finished: "B2"]
        if point.valueType.isText {
            registers.set(point.name, text: letters[state]!)
            return
        }
        let synonyms: [ChargeState: [String]] = [
            .unplugged: ["unplugged", "idle", "available", "disconnected", "a", "a1"],
            .connected: ["connected", "plugged", "waiting", "b", "b1"],
            .charging: ["charging", "c", "c2"],
            .finished: ["finished", "full", "complete", "b2", "connected", "b"],
        ]
        let named = point.values.sorted { $0.key < $1.key }
        if let raw = synonyms[state]!.lazy.compactMap({ name in named.first { $0.value.lowercased() == name }?.key })
            .first
        {
            registers.set(point.name, to: Double(raw) * point.scale + point.offset)
        } else {
            registers.set(point.name, to: Double(letters[state]!.utf8.first!))
        }
    }
}
