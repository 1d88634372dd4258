import SiteConfig
import Vocabulary

/// One simulated device: its registers and what it does with them. Owned by ``SiteSimulation``,
/// which steps it under its lock; only ``registers`` is touched by the server threads.
final class SimulatedDevice {
    let config: DeviceConfig
    let map: DeviceMap
    let spec: SimulationSpec
    let registers: DeviceRegisters
    var killed = false

    // The fallback: armed by the first refresh, applied once per silence.
    private var lastRefresh: Duration?
    private(set) var fellBack = false
    /// When the read-only registers were last updated; nil: at the next step.
    private var lastPublished: Duration?

    /// W in busbar signs, as of the last step.
    var power = 0.0
    var battery: BatteryState?
    var chargepoint: ChargepointState?
    var meter = MeterState()
    /// Wh a PV device has produced.
    var produced = 0.0

    init(config: DeviceConfig, map: DeviceMap) {
        self.config = config
        self.map = map
        spec = map.simulation ?? SimulationSpec()
        registers = DeviceRegisters(map: map, unit: config.unit)
        switch map.kind {
        case .battery: battery = BatteryState(ratings: config.ratings)
        case .chargepoint: chargepoint = ChargepointState(car: Car())
        case .meter, .pv: break
        }
        powerOn()
    }

    /// Comes back as the product does after a power cycle: every register at its power-on
    /// value (0, or the map's `simulation.initial`), nothing written, the fallback unarmed until
    /// the first refresh. What the registers only report (SoC, the car, energy counters) is
    /// physics and stays; the next step publishes it.
    func powerOn() {
        registers.clear()
        for (name, value) in spec.initial { registers.set(name, to: value) }
        lastRefresh = nil
        fellBack = false
        lastPublished = nil
    }

    var id: String { config.id }
    var kind: DeviceKind { map.kind }

    // MARK: - Expressions

    /// Looks names up in the simulator's variables, then the map's constants, then the points.
    func evaluate(_ expression: Expression, variables: [String: Double] = [:]) -> Double? {
        let values = registers.values()
        return expression.evaluate { name in variables[name] ?? map.constants[name] ?? values[name] }
    }

    // MARK: - Writes and fallback

    /// Takes in what masters wrote since the last step, at `now`: a write of the heartbeat point
    /// (or, without a heartbeat, any write) is a refresh; the device then clears its life bit.
    /// After `fallback.after` without a refresh the device applies its fallback once.
    func receiveWrites(now: Duration) {
        let written = registers.takeWrites()
        if let heartbeat = map.control.heartbeat {
            if written.contains(heartbeat.step.point) {
                refreshed(at: now)
                // The box clears the life bit, so the master must write it again (Webasto Next).
                registers.set(heartbeat.step.point, to: 0)
            }
        } else if !written.isEmpty {
            refreshed(at: now)
        }
        guard let fallback = map.fallback, let lastRefresh, !fellBack, now - lastRefresh >= fallback.after else {
            return
        }
        for step in fallback.writes {
            if let value = evaluate(step.value) { registers.set(step.point, to: value) }
        }
        fellBack = true
    }

    private func refreshed(at now: Duration) {
        lastRefresh = now
        fellBack = false
    }

    /// Seconds until the fallback applies; 0 when none is pending.
    func fallbackLeft(now: Duration) -> Double {
        guard let fallback = map.fallback, let lastRefresh, !fellBack else { return 0 }
        return max(0, (fallback.after - (now - lastRefresh)).seconds)
    }

    // MARK: - Telemetry

    /// Writes the well-known read-only points and the map's telemetry, at every step or, with
    /// an `update_interval`, once per interval (the registers hold their values in between).
    func publish(now: Duration) {
        if let interval = spec.updateInterval, let last = lastPublished, now - last < interval { return }
        lastPublished = now
        var variables = ["power": power, "fallback_left": fallbackLeft(now: now)]
        if let chargepoint { variables["current"] = chargepoint.current }
        var roles: [TelemetryRole: Double] = [.activePower: power]
        if let battery {
            roles[.soc] = battery.soc
            roles[.capacity] = battery.capacity
            roles[.allowedChargePower] = -battery.allowedCharge
            roles[.allowedDischargePower] = battery.allowedDischarge
            roles[.maxChargePower] = battery.maxPower
            roles[.maxDischargePower] = battery.maxPower
        }
        if let chargepoint {
            roles[.plugged] = chargepoint.car == nil ? 0 : 1
            roles[.energy] = chargepoint.delivered
            roles[.phases] = Double(chargepoint.phases)
            publishStatus(chargepoint.state)
        }
        if kind == .meter || kind == .pv {
            for phase in [TelemetryRole.activePowerL1, .activePowerL2, .activePowerL3] { roles[phase] = power / 3 }
        }
        if kind == .meter {
            roles[.energyImport] = meter.imported
            roles[.energyExport] = meter.exported
        }
        if kind == .pv { roles[.energy] = produced }
        for (role, value) in roles {
            guard let point = map[role: role], !point.access.isWritable, spec.telemetry[point.name] == nil else {
                continue
            }
            registers.set(point.name, to: value)
        }
        for (name, expression) in spec.telemetry.sorted(by: { $0.key < $1.key }) {
            if let value = evaluate(expression, variables: variables) { registers.set(name, to: value) }
        }
    }

    var reading: DeviceReading {
        DeviceReading(
            id: id, kind: kind, power: power, soc: battery?.soc, externallyControlled: battery?.external,
            current: chargepoint?.current, chargeState: chargepoint?.state, carSoc: chargepoint?.car?.soc,
            fellBack: fellBack, killed: killed
        )
    }
}

/// The grid meter's energy counters.
struct MeterState {
    var imported = 0.0
    var exported = 0.0

    mutating func integrate(power: Double, hours: Double) {
        if power > 0 { imported += power * hours } else { exported -= power * hours }
    }
}
