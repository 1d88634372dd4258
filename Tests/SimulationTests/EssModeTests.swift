import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Every ESS mode of both demo batteries, carried out with the map's own recipe through the
/// SiteConfig expression evaluator over a real socket, gives the power docs/design.md §2.2 promises.
struct EssModeTests {
    static let batteries = [("ess1", "victron-gx-ess.yaml"), ("ess2", "sma-sunny-boy-storage.yaml")]

    /// A site with loads of 2 kW and, when `surplus`, 6 kW of PV (4 kW to spare).
    func run(
        _ battery: (String, String), _ mode: ModeKind, _ parameters: [String: Double] = [:], surplus: Bool = false
    ) throws -> (power: Double, grid: Double) {
        let simulation = try Fixture.simulation([battery.0, "grid"], load: 2000, pv: surplus ? 6000 : 0)
        defer { simulation.stop() }
        let master = try Master(simulation, device: battery.0, map: Fixture.map(battery.1))
        try master.run(mode, parameters)
        // Long enough for the battery's response (a 1 s lag) to settle.
        simulation.advance(by: .seconds(60))
        let power = try master.read("active_power")
        #expect(power == simulation.reading(of: battery.0)?.power)
        return (power, simulation.balance.grid)
    }

    @Test(arguments: batteries)
    func setPowerIsFollowedExactlyBothWays(battery: (String, String)) throws {
        #expect(try run(battery, .ess(.setPower), ["power": -2500]).power == -2500)
        #expect(try run(battery, .ess(.setPower), ["power": 1800]).power == 1800)
    }

    @Test(arguments: batteries)
    func forceChargeAndForceDischargeRunAtTheirPower(battery: (String, String)) throws {
        #expect(try run(battery, .ess(.forceCharge), ["power": 1500]).power == -1500)
        #expect(try run(battery, .ess(.forceDischarge), ["power": 1500]).power == 1500)
    }

    @Test(arguments: batteries)
    func autoRegulatesTheGridToZero(battery: (String, String)) throws {
        let demand = try run(battery, .ess(.auto))
        #expect(demand.power == 2000)
        #expect(demand.grid == 0)
        let surplus = try run(battery, .ess(.auto), surplus: true)
        #expect(surplus.power == -4000)
        #expect(surplus.grid == 0)
    }

    @Test(arguments: batteries)
    func noDischargeStillAllowsCharging(battery: (String, String)) throws {
        #expect(try run(battery, .ess(.noDischarge)).power == 0)
        #expect(try run(battery, .ess(.noDischarge), surplus: true).power == -4000)
    }

    @Test(arguments: batteries)
    func noChargeStillAllowsDischarging(battery: (String, String)) throws {
        #expect(try run(battery, .ess(.noCharge), surplus: true).power == 0)
        #expect(try run(battery, .ess(.noCharge)).power == 2000)
    }

    @Test(arguments: batteries)
    func limitChargeCapsChargingOnly(battery: (String, String)) throws {
        let limited = try run(battery, .ess(.limitCharge), ["maxChargePower": 2048], surplus: true)
        #expect(abs(limited.power + 2048) < 1)
        #expect(try run(battery, .ess(.limitCharge), ["maxChargePower": 2048]).power == 2000)
    }

    @Test(arguments: batteries)
    func limitDischargeCapsDischargingOnly(battery: (String, String)) throws {
        #expect(try run(battery, .ess(.limitDischarge), ["maxDischargePower": 500]).power == 500)
        #expect(try run(battery, .ess(.limitDischarge), ["maxDischargePower": 500], surplus: true).power == -4000)
    }

    @Test func setPowerAcrossBothDemoBatteriesAddsUp() throws {
        let simulation = try Fixture.simulation(["ess1", "ess2", "grid"], load: 2000)
        defer { simulation.stop() }
        try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml")).run(
            .ess(.setPower), ["power": -2500])
        try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml")).run(
            .ess(.setPower), ["power": -2500])
        simulation.advance(by: .seconds(60))
        #expect(simulation.balance.ess == -5000)
        #expect(simulation.balance.grid == 7000)
    }

    @Test func theSmaReturnsToItsOwnManagementWhenSetPointsAreNotResent() throws {
        let simulation = try Fixture.simulation(["ess2", "grid"], load: 2000)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml"))
        try master.run(.ess(.setPower), ["power": -3000])
        simulation.advance(by: .seconds(30))
        try master.run(.ess(.setPower), ["power": -3000])  // refreshed within 60 s: still in force
        simulation.advance(by: .seconds(50))
        #expect(simulation.reading(of: "ess2")?.power == -3000)
        simulation.advance(by: .seconds(11))
        #expect(simulation.reading(of: "ess2")?.externallyControlled == false)
        #expect(simulation.reading(of: "ess2")?.fellBack == true)
        // It then covers the load by itself, once its response has settled.
        simulation.advance(by: .seconds(60))
        #expect(simulation.reading(of: "ess2")?.power == 2000)
    }

    @Test func theVictronDropsItsModeThreeSetPointWhenNotResent() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"], load: 2000)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        try master.run(.ess(.setPower), ["power": 3000])
        simulation.advance(by: .seconds(59))
        #expect(simulation.reading(of: "ess1")?.power == 3000)
        simulation.advance(by: .seconds(2))
        #expect(try master.read("setpoint_l1") == 0)
        // With the set-point gone it settles at 0 W, once its response has.
        simulation.advance(by: .seconds(60))
        #expect(simulation.reading(of: "ess1")?.power == 0)
    }
}
