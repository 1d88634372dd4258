import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Simulated batteries integrate their power into SoC, stop at their bounds, and report what
/// they allow through their points.
struct BatteryTests {
    @Test func socIntegratesPowerOverCapacity() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        try master.keep(.ess(.setPower), ["power": 2500], for: .seconds(3600), in: simulation)
        // 10 kWh from 50 %: an hour at 2.5 kW discharge takes 25 %.
        let reading = try #require(simulation.reading(of: "ess1"))
        #expect(abs(try #require(reading.soc) - 25) < 0.01)
        #expect(reading.power == 2500)
        #expect(try master.read("soc") == 25)
        #expect(try master.read("active_power") == 2500)
        #expect(try master.read("state") == 2)
    }

    @Test func aDischargingBatteryStopsWhenEmpty() throws {
        let simulation = try Fixture.simulation(["ess2", "grid"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml"))
        try master.keep(.ess(.forceDischarge), ["power": 4000], for: .seconds(3 * 3600), in: simulation)
        let reading = try #require(simulation.reading(of: "ess2"))
        #expect(reading.soc == 0)
        #expect(reading.power == 0)
        #expect(try master.read("soc") == 0)
        #expect(simulation.balance.grid == 2000)
    }

    @Test func aChargingBatteryStopsWhenFullAndReportsNoChargeAllowed() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        simulation.setSoc(90, of: "ess1")
        try master.keep(.ess(.forceCharge), ["power": 3000], for: .seconds(3600), in: simulation)
        let reading = try #require(simulation.reading(of: "ess1"))
        #expect(reading.soc == 100)
        #expect(reading.power == 0)
        #expect(try master.read("battery_current") == 0)
    }

    @Test func byItselfTheVictronKeepsItsMinimumSoc() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"], load: 3000)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        try master.run(.ess(.auto))
        try master.write("min_soc", 40)
        simulation.advance(by: .seconds(3 * 3600))
        #expect(abs(try #require(simulation.reading(of: "ess1")?.soc) - 40) < 0.1)
        #expect(simulation.reading(of: "ess1")?.power == 0)
        #expect(simulation.balance.grid == 3000)
    }
}
