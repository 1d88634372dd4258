import Control
import Testing
import Vocabulary

/// CHARGE_ENERGY against a scripted site: a 16 A three-phase chargepoint whose car draws the
/// current the core orders, its energy register counting what it draws, decided every minute.
/// The clock is the test's.
@Suite struct ChargeEnergyTests {
    struct Plant {
        var counter: WattHours = 5_000
        /// The energy the car really took, whatever the register says.
        var taken: WattHours = 0
        var current: Amperes = 0
        var plugged = true
        var counterKnown = true
        var online = true
        var clock = Fixture.t0

        var site: SiteSnapshot {
            let telemetry = ChargepointTelemetry(
                maxCurrent: 16, phases: .three, energy: counterKnown ? Reading(counter, at: clock) : nil,
                plugged: plugged)
            return SiteSnapshot(
                devices: [
                    .chargepoint(
                        "cp1", telemetry, online: online, activePower: current * 690,
                        reportedRoles: [.energy, .plugged, .activePower])
                ], gridPower: 0)
        }

        /// Decides at the clock, then runs the order for `step`; returns the decision and what
        /// the tick before it ended.
        mutating func step(_ core: inout ControlCore, by step: Duration = .seconds(60)) -> (Decision, [Expiration]) {
            let ended = core.tick(at: clock)
            let decision = core.decide(site: site, at: clock)
            current = 0
            if plugged, case .current(let value)? = decision.order("cp1") { current = value }
            let energy = current * 690 * step.seconds / 3600
            counter += energy
            taken += energy
            clock = clock + step
            return (decision, ended)
        }

        /// Steps until `end` or until the EMS's command ended; returns the decisions and how the
        /// EMS's command ended.
        mutating func run(_ core: inout ControlCore, until end: ControlInstant) -> ([Decision], [Expiration]) {
            var decisions: [Decision] = []
            var ended: [Expiration] = []
            while clock < end, ended.isEmpty {
                let (decision, expirations) = step(&core)
                decisions.append(decision)
                ended += expirations.filter { $0.command.source == Fixture.ems }
            }
            return (decisions, ended)
        }
    }

    func chargeEnergy(_ kWh: Double, by end: ControlInstant?, asap: Bool = false, at instant: ControlInstant) -> Command
    {
        .chargepoint(
            .chargeEnergy(energy: kWh, asap: asap), from: Fixture.ems, on: .device("cp1"), at: instant,
            end: end.map { .at($0) })
    }

    func target(of decision: Decision) -> EnergyTargetStatus? {
        decision.active.first { $0.command.mode.kind == .chargepoint(.chargeEnergy) }?.energyTarget
    }

    @Test func theEnergyIsDeliveredByTheEndEvenlyAndTheCommandEnds() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeEnergy(30, by: end, at: plant.clock))
        let (decisions, ended) = plant.run(&core, until: end + .seconds(120))
        // 30 kWh over 4 h less the minute ahead and the 5-minute lead: about 7.69 kW, 11.1 A,
        // never the 16 A it could take.
        let first = try #require(target(of: decisions[0]))
        #expect(abs(first.power - 30_000 * 3600 / 14_040) < 1)
        #expect(first.remaining == 30_000 && first.shortfall == 0 && !first.reached && first.delivered == 0)
        #expect(decisions[0].order("cp1") == .current(11.1))
        let currents = decisions.compactMap { decision -> Amperes? in
            if case .current(let current)? = decision.order("cp1") { return current }
            return nil
        }
        // Even: the first three hours within 0.3 A; as the lead shrinks toward the end the
        // current eases off, never to a burst.
        #expect(currents.prefix(180).allSatisfy { $0 >= 10.8 && $0 <= 11.2 }, "\(currents)")
        #expect(currents.allSatisfy { $0 <= 11.2 }, "\(currents)")
        // Met before the end, within a minute's charging; then the command ends by itself.
        #expect(plant.taken >= 29_999.5 && plant.taken < 30_000 + 11_040 / 60)
        #expect(ended.map(\.reason) == [.targetMet])
        #expect(ended.allSatisfy { $0.at < end })
        #expect(core.commandsHeld.isEmpty)
        #expect(decisions.compactMap(target).last?.reached == true)
    }

    @Test func aLateStartIsMadeUpAtAHigherCurrent() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeEnergy(10, by: end, at: plant.clock))
        // The operator holds the chargepoint off for the first three hours.
        try core.accept(
            .chargepoint(
                .zero, from: Fixture.local, on: .device("cp1"), at: plant.clock, end: .after(.seconds(3 * 3600))))
        let (held, _) = plant.run(&core, until: plant.clock + .seconds(3 * 3600))
        #expect(plant.taken == 0)
        #expect(held.allSatisfy { !$0.losses(of: Fixture.ems, on: .device("cp1")).isEmpty })
        let (decisions, ended) = plant.run(&core, until: end + .seconds(60))
        // 10 kWh in the hour left, less the minute ahead and the lead: about 10.7 kW, 15.5 A.
        #expect(decisions[0].order("cp1") == .current(15.5))
        #expect(plant.taken >= 9_999.5)
        #expect(ended.map(\.reason) == [.targetMet])
        #expect(ended.allSatisfy { $0.at < end })
    }

    @Test func anInfeasibleTargetChargesAtTheMostAndReportsItsShortfall() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(3600)
        try core.accept(chargeEnergy(30, by: end, at: plant.clock))
        let (decisions, ended) = plant.run(&core, until: end)
        // 16 A on three phases for an hour is 11.04 kWh: 18.96 kWh short.
        let first = try #require(target(of: decisions[0]))
        #expect(decisions[0].order("cp1") == .current(16))
        #expect(abs(first.shortfall - 18_960) < 1)
        #expect(first.isInfeasible)
        #expect(ended.isEmpty)
        #expect(abs(plant.taken - 11_040) < 1)
    }

    @Test func aCounterResetKeepsWhatWasCountedAndDoesNotStartTheTargetOver() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(3600)
        try core.accept(chargeEnergy(5, by: end, asap: true, at: plant.clock))
        _ = plant.run(&core, until: plant.clock + .seconds(10 * 60))
        let before = plant.taken
        // The register restarts at 0 (a meter reset, a new session's counter).
        plant.counter = 0
        let (decisions, ended) = plant.run(&core, until: end)
        // What it counted up to its last reading is kept; the minute between that reading and
        // the reset (16 A: 184 Wh) goes uncounted, and is charged once more.
        let minute = 11_040.0 / 60
        #expect(abs((target(of: decisions[0])?.delivered ?? 0) - (before - minute)) < 1)
        #expect(ended.map(\.reason) == [.targetMet])
        #expect(plant.taken >= 4_999.5 + minute && plant.taken < 5_000 + 2 * minute)
    }

    @Test func aChargepointOfflineForAWhileKeepsWhatWasCounted() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(3600)
        try core.accept(chargeEnergy(5, by: end, asap: true, at: plant.clock))
        _ = plant.run(&core, until: plant.clock + .seconds(10 * 60))
        // What the car took so far; the counter shows it at the next reading.
        let counted = plant.taken
        plant.online = false
        let (offline, _) = plant.step(&core)
        #expect(offline.lost.map(\.reason) == [.noOnlineDevice])
        plant.online = true
        let (back, _) = plant.step(&core)
        #expect(abs((target(of: back)?.delivered ?? 0) - counted) < 1)
        let (_, ended) = plant.run(&core, until: end)
        #expect(ended.map(\.reason) == [.targetMet])
        #expect(plant.taken < 5_000 + 11_040 / 60)
    }

    @Test func aCarUnpluggedMidwayEndsTheCommand() throws {
        var core = Fixture.core()
        var plant = Plant()
        let end = plant.clock + .seconds(4 * 3600)
        try core.accept(chargeEnergy(30, by: end, at: plant.clock))
        _ = plant.run(&core, until: plant.clock + .seconds(600))
        plant.plugged = false
        let (unplugged, _) = plant.step(&core)
        #expect(unplugged.order("cp1") == .current(0))
        let (released, ended) = plant.step(&core)
        #expect(ended.map(\.reason) == [.unplugged])
        #expect(released.order("cp1") == .auto)
        #expect(core.commandsHeld.isEmpty)
    }

    @Test func aCommandIssuedBeforeTheCarArrivesWaitsForIt() throws {
        var core = Fixture.core()
        var plant = Plant()
        plant.plugged = false
        try core.accept(chargeEnergy(1, by: plant.clock + .seconds(3600), at: plant.clock))
        let (waiting, ended) = plant.step(&core)
        #expect(ended.isEmpty && waiting.lost.isEmpty)
        plant.plugged = true
        _ = plant.run(&core, until: plant.clock + .seconds(3600))
        #expect(plant.taken >= 999.5)
    }

    @Test func anUnknownCounterHoldsTheLastCurrentThenReportsTheInputMissing() throws {
        var core = Fixture.core()
        var plant = Plant()
        try core.accept(chargeEnergy(30, by: plant.clock + .seconds(3600), at: plant.clock))
        _ = plant.step(&core, by: .seconds(1))
        plant.counterKnown = false
        _ = plant.step(&core, by: .seconds(1))
        #expect(plant.current == 16)
        _ = plant.step(&core, by: .seconds(5))
        let (lost, _) = plant.step(&core, by: .seconds(1))
        #expect(lost.lost.map(\.reason) == [.inputMissing("chargepoint energy counter unknown")])
    }

    @Test func aNewCommandCountsFromItsOwnStart() throws {
        var core = Fixture.core()
        var plant = Plant()
        try core.accept(chargeEnergy(30, by: plant.clock + .seconds(4 * 3600), at: plant.clock))
        _ = plant.run(&core, until: plant.clock + .seconds(600))
        #expect(plant.taken > 1_000)
        try core.accept(chargeEnergy(1, by: plant.clock + .seconds(3600), at: plant.clock))
        let (decision, _) = plant.step(&core)
        #expect(target(of: decision)?.delivered == 0)
        #expect(target(of: decision)?.remaining == 1_000)
    }

    @Test func theModeIsAvailableWhereTheChargepointTakesLimitAndCountsEnergy() {
        let counting = DeviceSnapshot.chargepoint(
            "cp1", ChargepointTelemetry(maxCurrent: 16, phases: .three), reportedRoles: [.energy])
        #expect(
            ControlCore.modes(for: .device("cp1"), in: SiteSnapshot(devices: [counting]))
                .contains(.chargepoint(.chargeEnergy)))
        let uncounted = Fixture.chargepoint("cp1")
        #expect(
            !ControlCore.modes(for: .device("cp1"), in: SiteSnapshot(devices: [uncounted]))
                .contains(.chargepoint(.chargeEnergy)))
        var noLimit = counting
        noLimit.supportedModes = [.chargepoint(.zero), .chargepoint(.force)]
        #expect(
            !ControlCore.modes(for: .device("cp1"), in: SiteSnapshot(devices: [noLimit]))
                .contains(.chargepoint(.chargeEnergy)))
    }

    @Test func theParametersAreCheckedAgainstTheirRange() throws {
        #expect(throws: CommandRejection.self) { try ChargepointMode(kind: .chargeEnergy, parameter: -1) }
        #expect(throws: CommandRejection.self) { try ChargepointMode(kind: .chargeEnergy, parameter: 5_000) }
        #expect(throws: CommandRejection.self) { try ChargepointMode(kind: .chargeEnergy, parameters: [:]) }
        #expect(try ChargepointMode(kind: .chargeEnergy, parameter: 10) == .chargeEnergy(energy: 10, asap: false))
    }
}
