import Control
import Testing
import Vocabulary

/// GRID_SETPOINT and GRID_LIMIT against a scripted site: two 5 kW batteries whose power follows
/// their set-point with a first-order lag (1 s, as real inverters), a load that steps, and a
/// meter sampled at its poll interval. The clock is the test's.
@Suite struct GridControllerTests {
    /// The scripted site, stepped 10 ms at a time.
    struct Plant {
        var load: Watts = 0
        var ess: Watts = 0
        var order: Watts = 0
        var lag = 1.0
        var meterEvery: Duration = .seconds(1)
        var meterOnline = true
        var sample: Reading?
        var clock = ControlInstant.seconds(1_000)
        var lastSample = ControlInstant.seconds(0)

        var grid: Watts { load - ess }

        /// Advances 10 ms; returns whether the meter took a new sample.
        mutating func tick() -> Bool {
            clock = clock + .milliseconds(10)
            ess += (order - ess) * 0.01 / lag
            guard lastSample.duration(to: clock) >= meterEvery else { return false }
            lastSample = clock
            sample = meterOnline ? Reading(grid, at: clock) : sample
            return meterOnline
        }

        func site(limit: Watts = 5_000) -> SiteSnapshot {
            let battery = { (id: DeviceID) in
                DeviceSnapshot.battery(
                    id,
                    BatteryTelemetry(
                        soc: 50, capacity: 10_000, allowedChargePower: -limit / 2, allowedDischargePower: limit / 2,
                        ratedPower: limit / 2, minSoc: 10),
                    activePower: ess / 2)
            }
            return SiteSnapshot(devices: [battery("bat1"), battery("bat2")], grid: sample)
        }
    }

    /// Runs `seconds` of the plant with a decision at every meter sample and every 250 ms;
    /// returns the grid power every 10 ms.
    @discardableResult
    func run(
        _ core: inout ControlCore, _ plant: inout Plant, seconds: Double, limit: Watts = 5_000,
        change: (Double, inout Plant) -> Void = { _, _ in }
    ) -> [Watts] {
        var grid: [Watts] = []
        var sinceDecision = 0
        for step in 0..<Int(seconds * 100) {
            change(Double(step) / 100, &plant)
            let sampled = plant.tick()
            sinceDecision += 1
            if sampled || sinceDecision >= 25 {
                sinceDecision = 0
                _ = core.tick(at: plant.clock)
                let decision = core.decide(site: plant.site(limit: limit), at: plant.clock)
                plant.order = ["bat1", "bat2"].reduce(0) { sum, id in
                    if case .setpoint(let value)? = decision.order(DeviceID(id)) { return sum + value }
                    return sum
                }
            }
            grid.append(plant.grid)
        }
        return grid
    }

    func gridSetpoint(_ power: Watts, at instant: ControlInstant) -> Command {
        .ess(.gridSetpoint(gridPower: power), from: Fixture.ems, at: instant, end: .after(.seconds(3_600)))
    }

    @Test func aLoadStepIsSettledWithinTwoMeterPollsWithoutOvershoot() throws {
        var core = Fixture.core()
        var plant = Plant()
        try core.accept(gridSetpoint(0, at: plant.clock))
        run(&core, &plant, seconds: 5)
        let grid = run(&core, &plant, seconds: 10) { time, plant in plant.load = time >= 1 ? 3_000 : 0 }
        // From the step on: within ±100 W after two 1 s meter polls, at most 10 % beyond 0.
        let afterTwoPolls = grid[300...]
        #expect(afterTwoPolls.allSatisfy { abs($0) <= 100 })
        #expect((grid.min() ?? 0) >= -300)
        #expect(abs(plant.ess - 3_000) < 50)
    }

    @Test func aRampIsFollowed() throws {
        var core = Fixture.core()
        var plant = Plant(meterEvery: .milliseconds(200))
        try core.accept(gridSetpoint(-1_500, at: plant.clock))
        run(&core, &plant, seconds: 5)
        #expect(abs(plant.grid + 1_500) < 50)
        // The load climbs 300 W a second for 8 s: the grid lags it by a bounded amount.
        let grid = run(&core, &plant, seconds: 8) { time, plant in plant.load = 300 * time }
        #expect(grid[300...].allSatisfy { abs($0 + 1_500) < 700 })
        run(&core, &plant, seconds: 5)
        #expect(abs(plant.grid + 1_500) < 50)
    }

    @Test func atTheBatteriesLimitItSaturatesAndRecoversWithoutWindup() throws {
        var core = Fixture.core()
        var plant = Plant()
        try core.accept(gridSetpoint(0, at: plant.clock))
        // 8 kW of load against 5 kW of batteries, for 20 s: the order stays at 5 kW.
        plant.load = 8_000
        run(&core, &plant, seconds: 20)
        #expect(plant.order == 5_000)
        #expect(abs(plant.grid - 3_000) < 50)
        // The load falls to 1 kW: the first poll orders 1 kW at once (no wound-up integral, no
        // swing into charging); the grid follows as fast as the inverters' lag allows.
        var orders: [Watts] = []
        let grid = run(&core, &plant, seconds: 6) { _, plant in
            plant.load = 1_000
            orders.append(plant.order)
        }
        #expect(orders.min() ?? 0 >= 900)
        #expect(grid[450...].allSatisfy { abs($0) <= 100 })
    }

    @Test func aLostMeterHoldsTheLastPowerThenReleasesAndReportsTheInputMissing() throws {
        var core = Fixture.core()
        var plant = Plant()
        plant.load = 2_000
        try core.accept(gridSetpoint(0, at: plant.clock))
        run(&core, &plant, seconds: 10)
        let held = plant.order
        #expect(abs(held - 2_000) < 50)
        // The meter goes offline: its last reading ages past 5 s.
        plant.meterOnline = false
        run(&core, &plant, seconds: 7)
        #expect(plant.order == held)
        run(&core, &plant, seconds: 4)
        let decision = core.decide(site: plant.site(), at: plant.clock)
        #expect(decision.order("bat1") == .auto)
        #expect(decision.lost.map(\.reason) == [.inputMissing("grid meter offline")])
        #expect(decision.lost.first?.description.contains("inputMissing: grid meter offline") == true)
        // Back: it takes over again from what the batteries deliver.
        plant.meterOnline = true
        run(&core, &plant, seconds: 5)
        #expect(abs(plant.grid) < 100)
        #expect(core.decide(site: plant.site(), at: plant.clock).lost.isEmpty)
    }

    @Test func aHigherPriorityNoDischargeClampsItAndTheStatusShowsTheClamp() throws {
        var core = Fixture.core()
        var plant = Plant()
        plant.load = 3_000
        try core.accept(gridSetpoint(0, at: plant.clock))
        try core.accept(.ess(.noDischarge, from: Fixture.local, at: plant.clock))
        run(&core, &plant, seconds: 10)
        #expect(plant.order == 0)
        let decision = core.decide(site: plant.site(), at: plant.clock)
        let active = decision.activeCommand(for: .essCluster)
        #expect(active?.command.mode == .ess(.noDischarge))
        let grid = decision.active.first { $0.command.mode.kind == .ess(.gridSetpoint) }
        #expect(grid?.clampedTo == 0)
        #expect(decision.lost.isEmpty)
        // NO_DISCHARGE ends: the grid set-point takes over.
        _ = core.release(source: Fixture.local)
        run(&core, &plant, seconds: 5)
        #expect(abs(plant.grid) < 100)
    }

    @Test func gridLimitActsOnlyBeyondItsLimitsAndHoldsTheLimit() throws {
        var core = Fixture.core()
        var plant = Plant()
        plant.load = 2_000
        try core.accept(
            .ess(
                .gridLimit(maxImport: 4_000, maxExport: 1_000), from: Fixture.ems, at: plant.clock,
                end: .after(.seconds(3_600))))
        run(&core, &plant, seconds: 5)
        // Inside its limits: the batteries run themselves.
        #expect(core.decide(site: plant.site(), at: plant.clock).order("bat1") == .auto)
        // A peak of 7 kW: the batteries shave it to 4 kW.
        run(&core, &plant, seconds: 10) { _, plant in plant.load = 7_000 }
        #expect(abs(plant.grid - 4_000) < 100)
        #expect(abs(plant.ess - 3_000) < 100)
        // The peak passes: they wind down and hand the site back.
        run(&core, &plant, seconds: 15) { _, plant in plant.load = 2_000 }
        #expect(core.decide(site: plant.site(), at: plant.clock).order("bat1") == .auto)
        // Export beyond 1 kW (PV): they charge to hold −1 kW.
        run(&core, &plant, seconds: 10) { _, plant in plant.load = -3_000 }
        #expect(abs(plant.grid + 1_000) < 100)
    }

    @Test func theModesAreAvailableWhereTheBatteriesTakeSetPower() {
        let modes = ControlCore.modes(for: .essCluster, in: Fixture.batteries())
        #expect(modes.contains(.ess(.gridSetpoint)) && modes.contains(.ess(.gridLimit)))
        let limited = Fixture.battery("bat1", supportedModes: [.ess(.noDischarge)])
        #expect(
            !ControlCore.modes(for: .essCluster, in: Fixture.batteries(limited, limited)).contains(.ess(.gridSetpoint)))
    }

    @Test func gridLimitTakesItsExportLimitAsOptional() throws {
        let mode = try EssMode(kind: .gridLimit, parameters: [.maxImport: 20_000])
        #expect(mode == .gridLimit(maxImport: 20_000, maxExport: ModeParameter.powerLimit))
        #expect(throws: CommandRejection.self) { try EssMode(kind: .gridSetpoint, parameters: [:]) }
    }
}
