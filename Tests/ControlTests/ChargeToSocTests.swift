import Control
import Testing
import Vocabulary

/// CHARGE_TO_SOC against a scripted site: two 10 kWh batteries allowed ±5 kW each, whose SoC
/// integrates the power the core orders, decided every minute. The clock is the test's.
@Suite struct ChargeToSocTests {
    struct Plant {
        var socs: [DeviceID: Percent] = ["bat1": 50, "bat2": 50]
        var powers: [DeviceID: Watts] = ["bat1": 0, "bat2": 0]
        var maxSoc: Percent = 100
        var clock = Fixture.t0
        var socKnown = true

        var soc: Percent { (socs["bat1", default: 0] + socs["bat2", default: 0]) / 2 }
        var power: Watts { powers.values.reduce(0, +) }

        var site: SiteSnapshot {
            let battery = { (id: DeviceID) in
                DeviceSnapshot.battery(
                    id,
                    BatteryTelemetry(
                        soc: socKnown ? socs[id] : nil, capacity: 10_000, allowedChargePower: -5_000,
                        allowedDischargePower: 5_000, ratedPower: 5_000, minSoc: 10, maxSoc: maxSoc),
                    activePower: powers[id, default: 0])
            }
            return SiteSnapshot(devices: [battery("bat1"), battery("bat2")], gridPower: 0)
        }

        /// Decides at the clock, then runs the orders for `step`.
        mutating func step(_ core: inout ControlCore, by step: Duration = .seconds(60)) -> Decision {
            _ = core.tick(at: clock)
            let decision = core.decide(site: site, at: clock)
            for id in ["bat1", "bat2"] as [DeviceID] {
                var power: Watts = 0
                if case .setpoint(let value)? = decision.order(id) { power = value }
                powers[id] = power
                socs[id] = min(100, max(0, socs[id, default: 0] - power * step.seconds / 3600 / 10_000 * 100))
            }
            clock = clock + step
            return decision
        }

        /// Steps until `end`; returns the decisions.
        mutating func run(_ core: inout ControlCore, until end: ControlInstant) -> [Decision] {
            var decisions: [Decision] = []
            while clock < end { decisions.append(step(&core)) }
            return decisions
        }
    }

    func chargeToSoc(
        _ soc: Percent, by end: ControlInstant?, asap: Bool = false, at instant: ControlInstant
    ) -> Command {
        .ess(.chargeToSoc(soc: soc, asap: asap), from: Fixture.ems, at: instant, end: end.map { .at($0) })
    }

    func target(of decision: Decision) -> EnergyTargetStatus? {
        decision.active.first { $0.command.mode.kind == .ess(.chargeToSoc) }?.energyTarget
    }

    @Test func theTargetIsMetByItsEndChargingEvenlyRatherThanAtOnce() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeToSoc(90, by: end, at: plant.clock))
        let decisions = plant.run(&core, until: end)
        // 8 kWh over 4 h less the lead: about 2.1 kW throughout, never the 10 kW it could take.
        let first = try #require(target(of: decisions[0]))
        #expect(abs(first.power + 8_000 / (4 - 5.0 / 60)) < 20)
        #expect(first.remaining == 8_000 && first.shortfall == 0 && !first.reached)
        let powers = decisions.compactMap { target(of: $0)?.power }
        #expect(powers.allSatisfy { $0 >= -2_050 })
        #expect(powers.prefix(3 * 60).allSatisfy { $0 < -1_900 })
        #expect(abs(plant.soc - 90) < 0.5)
    }

    @Test func aLateStartIsMadeUpAtAHigherPower() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeToSoc(90, by: end, at: plant.clock))
        // The operator holds the batteries at 0 W for the first three hours.
        try core.accept(.ess(.setPower(0), from: Fixture.local, at: plant.clock, end: .after(.seconds(3 * 3600))))
        let held = plant.run(&core, until: plant.clock + .seconds(3 * 3600))
        #expect(plant.soc == 50)
        #expect(held.allSatisfy { !$0.losses(of: Fixture.ems, on: .essCluster).isEmpty })
        let decisions = plant.run(&core, until: end)
        // 8 kWh in the hour left, less its lead: about 8.4 kW.
        #expect(abs(try #require(target(of: decisions[0])).power + 8_000 / (1 - 3.0 / 60)) < 20)
        #expect(abs(plant.soc - 90) < 0.5)
    }

    @Test func anInfeasibleTargetChargesAtTheMostAndReportsItsShortfall() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(1_800)
        try core.accept(chargeToSoc(90, by: end, at: plant.clock))
        let decisions = plant.run(&core, until: end)
        // 8 kWh wanted, 10 kW for half an hour stores 5 kWh: 3 kWh short.
        let first = try #require(target(of: decisions[0]))
        #expect(first.power == -10_000)
        #expect(abs(first.shortfall - 3_000) < 1)
        #expect(first.isInfeasible)
        #expect(abs(plant.soc - 75) < 0.5)
    }

    @Test func maxSocCapsTheTargetAndTheRestIsReportedShort() throws {
        var core = Fixture.core()
        var plant = Plant()
        plant.maxSoc = 80
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeToSoc(90, by: end, at: plant.clock))
        let decisions = plant.run(&core, until: end)
        // Only 80 % is storable: 2 kWh of the 8 kWh are short from the start.
        #expect(abs(try #require(target(of: decisions[0])).shortfall - 2_000) < 1)
        #expect(abs(plant.soc - 80) < 0.5)
        #expect(plant.soc < 80.1)
    }

    @Test func asapChargesAtTheMostThenHoldsTheTarget() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeToSoc(70, by: end, asap: true, at: plant.clock))
        let first = plant.step(&core)
        #expect(target(of: first)?.power == -10_000)
        // 4 kWh at 10 kW: 24 minutes, then 0 W until the end.
        _ = plant.run(&core, until: plant.clock + .seconds(30 * 60))
        #expect(abs(plant.soc - 70) < 0.5)
        let later = plant.run(&core, until: end)
        #expect(later.allSatisfy { target(of: $0)?.reached == true && target(of: $0)?.power == 0 })
        #expect(abs(plant.soc - 70) < 0.5)
    }

    @Test func withoutAnEndItChargesAsSoonAsPossible() throws {
        var core = Fixture.core()
        var plant = Plant()
        try core.accept(chargeToSoc(60, by: nil, at: plant.clock))
        #expect(target(of: plant.step(&core))?.power == -10_000)
    }

    @Test func anUnknownSocHoldsTheLastPowerThenReportsTheInputMissing() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(1_800)
        try core.accept(chargeToSoc(90, by: end, at: plant.clock))
        _ = plant.step(&core, by: .seconds(1))
        plant.socKnown = false
        let held = plant.step(&core, by: .seconds(1))
        #expect(held.lost.isEmpty)
        #expect(plant.power == -10_000)
        _ = plant.step(&core, by: .seconds(5))
        let lost = plant.step(&core, by: .seconds(1))
        #expect(lost.lost.map(\.reason) == [.inputMissing("battery SoC unknown")])
        #expect(plant.power == 0)
    }

    @Test func theModeIsAvailableWhereTheBatteriesTakeSetPower() {
        #expect(ControlCore.modes(for: .essCluster, in: Fixture.batteries()).contains(.ess(.chargeToSoc)))
        let limited = Fixture.battery("bat1", supportedModes: [.ess(.noDischarge)])
        #expect(
            !ControlCore.modes(for: .essCluster, in: Fixture.batteries(limited, limited)).contains(.ess(.chargeToSoc)))
    }
}
