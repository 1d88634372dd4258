import Control
import PropertyBased
import Testing
import Vocabulary

@Suite struct SurplusTests {
    private let t0 = Fixture.t0
    private let delays = SurplusSettings(startDelay: .seconds(60), stopDelay: .seconds(180))
    private let singlePhase = ChargepointTelemetry(maxCurrent: 16, phases: .one)

    private func step(
        grid: Watts, charging: Watts = 0, hysteresis: SurplusHysteresis, at now: ControlInstant,
        settings: SurplusSettings? = nil
    ) -> SurplusController.Outcome {
        SurplusController.step(
            chargers: [SurplusController.Charger(id: "cp1", telemetry: singlePhase, activePower: charging)],
            gridPower: grid, essPower: 0, hysteresis: hysteresis, settings: settings ?? delays, strategy: .equal,
            at: now)
    }

    @Test func surplusIsExportPlusOwnChargingPlusEssCharging() {
        #expect(SurplusController.surplusPower(gridPower: -3_000, essPower: -1_000, chargingPower: 500) == 4_500)
        #expect(SurplusController.surplusPower(gridPower: 0, essPower: 2_000, chargingPower: 0) == -2_000)
    }

    @Test func chargingStartsOnlyAfterTheStartDelay() {
        let first = step(grid: -2_000, hysteresis: SurplusHysteresis(), at: t0)
        #expect(first.currents["cp1"] == 0)
        #expect(first.hysteresis.stage(of: "cp1") == .starting(since: t0))
        let halfway = step(grid: -2_000, hysteresis: first.hysteresis, at: t0 + .seconds(59))
        #expect(halfway.currents["cp1"] == 0)
        let started = step(grid: -2_000, hysteresis: halfway.hysteresis, at: t0 + .seconds(60))
        #expect(started.hysteresis.stage(of: "cp1") == .charging)
        #expect(abs(started.currents["cp1"]! - (6 + 620.0 / 230)) < 1e-9)
        let steady = step(grid: 0, charging: 2_000, hysteresis: started.hysteresis, at: t0 + .seconds(70))
        #expect(abs(steady.currents["cp1"]! - (6 + 620.0 / 230)) < 1e-9, "its own charging power counts as surplus")
    }

    @Test func shortSurplusDoesNotStartCharging() {
        let first = step(grid: -2_000, hysteresis: SurplusHysteresis(), at: t0)
        let dip = step(grid: -1_000, hysteresis: first.hysteresis, at: t0 + .seconds(50))
        #expect(dip.hysteresis.stage(of: "cp1") == .idle)
        let later = step(grid: -2_000, hysteresis: dip.hysteresis, at: t0 + .seconds(70))
        #expect(later.currents["cp1"] == 0)
        #expect(later.hysteresis.stage(of: "cp1") == .starting(since: t0 + .seconds(70)))
    }

    @Test func chargingKeepsTheMinimumUntilTheStopDelay() {
        let charging = SurplusHysteresis(stages: ["cp1": .charging])
        let short = step(grid: 500, charging: 1_380, hysteresis: charging, at: t0)
        #expect(short.currents["cp1"] == 6)
        #expect(short.hysteresis.stage(of: "cp1") == .stopping(since: t0))
        let still = step(grid: 500, charging: 1_380, hysteresis: short.hysteresis, at: t0 + .seconds(179))
        #expect(still.currents["cp1"] == 6)
        let stopped = step(grid: 500, charging: 1_380, hysteresis: still.hysteresis, at: t0 + .seconds(180))
        #expect(stopped.currents["cp1"] == 0)
        #expect(stopped.hysteresis.stage(of: "cp1") == .idle)
    }

    @Test func noisySurplusAroundTheThresholdDoesNotFlap() {
        var idle = SurplusHysteresis()
        var charging = SurplusHysteresis(stages: ["cp1": .charging])
        for second in stride(from: 0, to: 1_800, by: 10) {
            let surplus: Watts = second.isMultiple(of: 20) ? 1_500 : 1_300
            let now = t0 + .seconds(second)
            let fromIdle = step(grid: -surplus, hysteresis: idle, at: now)
            let fromCharging = step(grid: -surplus, hysteresis: charging, at: now)
            #expect(fromIdle.currents["cp1"] == 0, "stays off at \(second) s")
            #expect(fromCharging.currents["cp1"]! >= 6, "stays on at \(second) s")
            idle = fromIdle.hysteresis
            charging = fromCharging.hysteresis
        }
    }

    @Test func switchesOnlyAfterAFullDelayOfSteadySurplus() async {
        // Runs of 10 s samples above or below the 1380 W minimum, each with noise.
        let runs = zip(Gen<Bool>.bool(), Gen.int(in: 1...30), Gen.double(in: 0...400)).map { above, length, noise in
            Array(repeating: above ? 1_380 + noise : 1_379 - noise, count: length)
        }
        let samples = runs.array(of: 5...30).map { $0.flatMap { $0 } }
        await propertyCheck(input: samples) { surpluses in
            var hysteresis = SurplusHysteresis()
            var wasCharging = false
            for (index, surplus) in surpluses.enumerated() {
                let outcome = step(grid: -surplus, hysteresis: hysteresis, at: t0 + .seconds(Int64(index) * 10))
                let isCharging = outcome.currents["cp1"]! > 0
                if isCharging != wasCharging {
                    let run = isCharging ? 7 : 19
                    let window = surpluses[max(0, index - run + 1)...index]
                    #expect(index >= run - 1)
                    #expect(window.allSatisfy { ($0 >= 1_380) == isCharging })
                }
                wasCharging = isCharging
                hysteresis = outcome.hysteresis
            }
        }
    }

    @Test func threePhaseChargingConvertsOverThreePhases() {
        let outcome = SurplusController.step(
            chargers: [
                .init(id: "cp1", telemetry: ChargepointTelemetry(maxCurrent: 16, phases: .three), activePower: 0)
            ],
            gridPower: -6_000, essPower: 0, hysteresis: SurplusHysteresis(stages: ["cp1": .charging]), settings: delays,
            strategy: .equal, at: t0)
        #expect(abs(outcome.currents["cp1"]! - (6 + 1_860.0 / 690)) < 1e-9)
    }

    @Test func currentStopsAtTheChargepointMaximum() {
        let outcome = step(grid: -20_000, hysteresis: SurplusHysteresis(stages: ["cp1": .charging]), at: t0)
        #expect(outcome.currents["cp1"] == 16)
    }

    @Test func surplusGoesToTheHigherPriorityChargerFirst() {
        let chargers = [
            SurplusController.Charger(id: "low", telemetry: singlePhase, activePower: 0, priority: 0),
            SurplusController.Charger(id: "high", telemetry: singlePhase, activePower: 0, priority: 1),
        ]
        let noDelay = SurplusSettings(startDelay: .zero, stopDelay: .zero)
        let some = SurplusController.step(
            chargers: chargers, gridPower: -2_000, essPower: 0, hysteresis: SurplusHysteresis(), settings: noDelay,
            strategy: .equal, at: t0)
        #expect(some.currents["low"] == 0)
        #expect(abs(some.currents["high"]! - (6 + 620.0 / 230)) < 1e-9)
        let plenty = SurplusController.step(
            chargers: chargers, gridPower: -3_000, essPower: 0, hysteresis: SurplusHysteresis(), settings: noDelay,
            strategy: .equal, at: t0)
        let power = (plenty.currents["low"]! + plenty.currents["high"]!) * 230
        #expect(abs(power - 3_000) < 1e-6)
    }

    @Test func clusterSurplusChargesOnceTheDelayHasPassed() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0, end: .after(.seconds(3_600))))
        let site = SiteSnapshot(devices: Fixture.site.devices, gridPower: -5_000)
        let waiting = core.decide(site: site, at: t0)
        #expect(waiting.order("cp1") == .current(0))
        #expect(waiting.chargepoints.surplusPower == 5_000)
        #expect(core.surplusHysteresis.stage(of: "cp1") == .starting(since: t0))
        let started = core.decide(site: site, at: t0 + .seconds(60))
        guard case .current(let current) = started.order("cp1") else {
            Issue.record("no current for cp1")
            return
        }
        #expect(current == 7.2, "6 A + 860 W / 690 W/A = 7.25 A, rounded down to the 0.1 A step")
        #expect(started.device("cp1")?.recipes == [.chargepoint(.surplus)])
        #expect(started.order("cp2") == .current(0), "what is left does not cover a second minimum")
    }

    /// SURPLUS keeps its hysteresis per command: the source repeating it keeps charging, a
    /// SURPLUS that takes a chargepoint over from another carries its stage on (no stop and
    /// start), and one that comes after the last has ended starts with the delay again.
    @Test func theHysteresisBelongsToTheCommandsThatCarryIt() throws {
        var core = Fixture.core()
        let site = SiteSnapshot(devices: Fixture.site.devices, gridPower: -5_000)
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0))
        _ = core.decide(site: site, at: t0)
        #expect(core.decide(site: site, at: t0 + .seconds(50)).order("cp1") == .current(0))
        // Repeated (its watchdog counts from the last time it was heard): charging at 60 s.
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0 + .seconds(50)))
        #expect(core.decide(site: site, at: t0 + .seconds(60)).order("cp1") == .current(7.2))
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0 + .seconds(61)))
        #expect(core.decide(site: site, at: t0 + .seconds(61)).order("cp1") == .current(7.2))
        // The operator (higher priority) takes the chargepoints with a SURPLUS of its own.
        try core.accept(.chargepoint(.surplus, from: Fixture.local, at: t0 + .seconds(62)))
        #expect(core.decide(site: site, at: t0 + .seconds(62)).order("cp1") == .current(7.2))
        // Both end; a decision without SURPLUS; then SURPLUS again waits its start delay.
        _ = core.release()
        #expect(core.decide(site: site, at: t0 + .seconds(63)).order("cp1") == .auto)
        #expect(core.surplusHysteresis.stages.isEmpty)
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0 + .seconds(64)))
        #expect(core.decide(site: site, at: t0 + .seconds(64)).order("cp1") == .current(0))
        #expect(core.surplusHysteresis.stage(of: "cp1") == .starting(since: t0 + .seconds(64)))
    }

    @Test func withoutAGridReadingSurplusStopsChargingAndIsReportedAsMissingItsInput() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, at: t0, end: .after(.seconds(3_600))))
        let charging = SiteSnapshot(devices: Fixture.site.devices, grid: Reading(-5_000, at: t0))
        _ = core.decide(site: charging, at: t0)
        #expect(core.decide(site: charging, at: t0 + .seconds(1)).lost.isEmpty)
        // The meter's last reading is now 10 s old: no surplus is known.
        let stale = core.decide(site: charging, at: t0 + .seconds(10))
        #expect(stale.lost.map(\.reason) == [.inputMissing("grid meter offline")])
        // Nothing holds the chargepoints: they are handed back (the gateway writes their release).
        #expect(stale.order("cp1") == .auto)
        let none = core.decide(site: SiteSnapshot(devices: Fixture.site.devices, grid: nil), at: t0 + .seconds(11))
        #expect(none.lost.map(\.reason) == [.inputMissing("grid meter offline")])
    }

    @Test func essChargingCountsAsSurplus() throws {
        let settings = SurplusSettings(startDelay: .zero, stopDelay: .zero)
        var core = ControlCore(configuration: Fixture.configuration(surplus: settings))
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, on: .device("cp1"), at: t0))
        var battery = Fixture.battery("bat1")
        battery.activePower = -4_500
        let site = SiteSnapshot(devices: [battery, Fixture.chargepoint("cp1")], gridPower: 0)
        let decision = core.decide(site: site, at: t0)
        #expect(decision.chargepoints.surplusPower == 4_500)
        guard case .current(let current) = decision.order("cp1") else {
            Issue.record("no current for cp1")
            return
        }
        #expect(current == 6.5, "6 A + 360 W / 690 W/A = 6.52 A, rounded down to the 0.1 A step")
    }

    @Test func higherLimitCapsSurplusCharging() throws {
        let settings = SurplusSettings(startDelay: .zero, stopDelay: .zero)
        var core = ControlCore(configuration: Fixture.configuration(surplus: settings))
        try core.accept(.chargepoint(.limit(current: 8), from: Fixture.local, on: .device("cp1"), at: t0))
        try core.accept(.chargepoint(.surplus, from: Fixture.ems, on: .device("cp1"), at: t0))
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1")], gridPower: -20_000)
        #expect(core.decide(site: site, at: t0).order("cp1") == .current(8))
    }
}
