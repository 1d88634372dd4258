public import Vocabulary

/// SURPLUS charging: chargepoints use only the power the site would otherwise export or store.
///
/// Surplus = −grid power + the SURPLUS chargepoints' own charging power − ESS power, so ESS
/// charging counts as surplus and ESS discharging does not (OpenEMS EVSE: excess = evCharge −
/// gridBuy − essDischarge). In order of priority, each chargepoint claims its 6 A minimum if
/// the surplus left covers it; the hysteresis turns it on only after that has held for the
/// start delay, and off only after it has failed for the stop delay (holding 6 A meanwhile).
/// What remains above the minimums is shared by the allocation strategy.
public enum SurplusController {
    /// A chargepoint in SURPLUS as the controller sees it.
    public struct Charger: Hashable, Sendable {
        /// The chargepoint.
        public var id: DeviceID
        /// Phases, and the highest current it may take (its own maximum, or a lower cap).
        public var telemetry: ChargepointTelemetry
        /// What it draws now, W.
        public var activePower: Watts
        /// Higher claims the surplus first.
        public var priority: Int

        public init(id: DeviceID, telemetry: ChargepointTelemetry, activePower: Watts, priority: Int = 0) {
            self.id = id
            self.telemetry = telemetry
            self.activePower = activePower
            self.priority = priority
        }
    }

    /// One step's result.
    public struct Outcome: Hashable, Sendable {
        /// The surplus power, W.
        package var surplusPower: Watts
        /// The current per chargepoint, A: 0 or at least 6.
        public var currents: [DeviceID: Amperes]
        /// The state to pass to the next step.
        package var hysteresis: SurplusHysteresis
    }

    /// The surplus power, W, for the given site powers.
    package static func surplusPower(gridPower: Watts, essPower: Watts, chargingPower: Watts) -> Watts {
        -gridPower + chargingPower - essPower
    }

    /// One step at `now`: the chargers' currents and the next hysteresis state.
    public static func step(
        chargers: [Charger], gridPower: Watts, essPower: Watts, hysteresis: SurplusHysteresis,
        settings: SurplusSettings, strategy: AllocationStrategy, at now: ControlInstant
    ) -> Outcome {
        let voltage = settings.voltage
        let minimum = ChargepointMode.minimumCurrent
        let surplus = surplusPower(
            gridPower: gridPower, essPower: essPower, chargingPower: chargers.reduce(0) { $0 + $1.activePower })
        let order = chargers.indices.sorted { lhs, rhs in
            chargers[lhs].priority != chargers[rhs].priority
                ? chargers[lhs].priority > chargers[rhs].priority : chargers[lhs].id < chargers[rhs].id
        }
        var remaining = surplus.isNaN ? 0 : surplus
        var next = SurplusHysteresis()
        var charging: [Int] = []
        for index in order {
            let charger = chargers[index]
            let minimumPower = charger.telemetry.power(ofCurrent: minimum, voltage: voltage)
            let covered = charger.telemetry.maxCurrent >= minimum && remaining >= minimumPower
            let stage = SurplusHysteresis.next(
                after: hysteresis.stage(of: charger.id), covered: covered, at: now, settings: settings)
            next.stages[charger.id] = stage
            if stage.isCharging && charger.telemetry.maxCurrent >= minimum {
                remaining -= minimumPower
                charging.append(index)
            }
        }
        let slots = charging.map { index in
            let charger = chargers[index]
            let headroom = charger.telemetry.power(ofCurrent: charger.telemetry.maxCurrent - minimum, voltage: voltage)
            return AllocationSlot(
                id: charger.id, bounds: PowerInterval(min: 0, max: headroom), priority: charger.priority)
        }
        let extra = Allocation(distributing: max(0, remaining), over: slots, strategy: strategy)
        var currents: [DeviceID: Amperes] = [:]
        for charger in chargers {
            let isCharging = charging.contains { chargers[$0].id == charger.id }
            let current = minimum + charger.telemetry.current(ofPower: extra[charger.id], voltage: voltage)
            currents[charger.id] = isCharging ? min(charger.telemetry.maxCurrent, current) : 0
        }
        return Outcome(surplusPower: surplus, currents: currents, hysteresis: next)
    }
}
