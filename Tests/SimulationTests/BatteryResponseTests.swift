import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Simulated batteries answer a new power as inverters do: with a first-order lag (1 s unless
/// the map says otherwise) and at most their ramp rate, so a controller's step response can be
/// told apart from an instant one. Time is the simulation's, stepped by the test.
struct BatteryResponseTests {
    static let rampingBattery = """
        kind: battery
        name: A ramping battery
        points:
          active_power: {address: 0, encoding: int32, unit: W}
          setpoint: {address: 2, encoding: int32, unit: W, access: rw}
        simulation:
          active: 1
          power: setpoint
          response_time: 0 s
          ramp_rate: 1 kW
        """

    @Test func aSetPointIsFollowedWithAOneSecondFirstOrderLag() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"], load: 2000)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        simulation.advance(by: .seconds(60))  // settled in AUTO at the load
        #expect(simulation.reading(of: "ess1")?.power == 2000)
        try master.run(.ess(.setPower), ["power": -3000])
        var powers: [Double] = []
        for _ in 0..<50 {
            simulation.advance(by: .milliseconds(100))
            powers.append(simulation.reading(of: "ess1")?.power ?? .nan)
        }
        // From 2000 W toward -3000 W: 63 % of the way after one time constant, 95 % after three.
        #expect(abs(powers[9] - (-3000 + 5000 * exp(-1))) < 1e-6)
        #expect(abs(powers[29] - (-3000 + 5000 * exp(-3))) < 1e-6)
        #expect(zip(powers, powers.dropFirst()).allSatisfy { $0 > $1 })  // no overshoot
        #expect(powers.allSatisfy { $0 > -3000 })
        simulation.advance(by: .seconds(20))  // still within the Victron's 60 s revert
        #expect(simulation.reading(of: "ess1")?.power == -3000)
    }

    @Test func theLagDoesNotDependOnHowTheSimulationIsStepped() throws {
        func power(maxStep: Duration) throws -> Double {
            let (loaded, profile) = try Fixture.site(["ess2", "grid"], load: 2000)
            let simulation = try SiteSimulation(
                site: loaded, options: .init(ports: .ephemeral, profile: profile, maxStep: maxStep))
            try simulation.start()
            defer { simulation.stop() }
            try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml")).run(
                .ess(.setPower), ["power": 4000])
            simulation.advance(by: .milliseconds(1700))
            return simulation.reading(of: "ess2")?.power ?? .nan
        }
        let coarse = try power(maxStep: .seconds(1))
        let fine = try power(maxStep: .milliseconds(50))
        #expect(abs(coarse - 4000 * (1 - exp(-1.7))) < 1e-6)
        #expect(abs(coarse - fine) < 1e-6)
    }

    @Test func aRampRateLimitsHowFastThePowerMoves() throws {
        let map = try Fixture.map(yaml: Self.rampingBattery)
        let simulation = try Fixture.single(map)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        try master.write("setpoint", 2500)
        var powers: [Double] = []
        for _ in 0..<4 {
            simulation.advance(by: .seconds(1))
            powers.append(simulation.reading(of: "dut")?.power ?? .nan)
        }
        #expect(powers == [1000, 2000, 2500, 2500])
        try master.write("setpoint", -1000)
        simulation.advance(by: .seconds(2))
        #expect(simulation.reading(of: "dut")?.power == 500)
    }

    @Test func inAutoTheBatteryCoversALoadStepOnlyAfterItsLag() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"], load: 1000)
        defer { simulation.stop() }
        simulation.advance(by: .seconds(60))
        #expect(simulation.balance.grid == 0)  // self-consumption, settled
        simulation.stepLoad(by: 3000)
        simulation.advance(by: .milliseconds(200))
        // The meter sees the step before the battery has followed it...
        #expect(simulation.balance.grid > 2000)
        #expect(abs(simulation.balance.grid - 3000 * exp(-0.2)) < 1e-6)
        // ...and the battery takes it over within a few time constants.
        simulation.advance(by: .seconds(5))
        #expect(abs(simulation.balance.grid) < 25)
        simulation.advance(by: .seconds(30))
        #expect(simulation.balance.grid == 0)
        #expect(simulation.reading(of: "ess1")?.power == 4000)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
