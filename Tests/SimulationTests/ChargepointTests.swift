import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// A car at a simulated chargepoint charges at what the current limit allows and finishes; the
/// chargepoint falls back as the product does when its refresh or heartbeat stops.
struct ChargepointTests {
    @Test func theCarChargesAtTheLimitOnThreePhases() throws {
        let simulation = try Fixture.simulation(["evse1", "grid"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "evse1", map: Fixture.map("alfen-ng9xx.yaml"))
        try master.run(.chargepoint(.limit), ["current": 10])
        simulation.advance(by: .seconds(2))
        #expect(try master.read("active_power") == 6900)
        #expect(try master.text("status") == "C2")
        #expect(try master.read("current_l1") == 10)
        #expect(try master.read("current_l3") == 10)
        #expect(simulation.balance.grid == 2000 + 6900)
        try master.keep(.chargepoint(.limit), ["current": 10], for: .seconds(3600), in: simulation)
        #expect(abs(try master.read("energy") - 6900 * 3602 / 3600) < 1)
    }

    @Test func belowSixAmperesOrAtZeroTheCarWaits() throws {
        let simulation = try Fixture.simulation(["evse1"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "evse1", map: Fixture.map("alfen-ng9xx.yaml"))
        try master.write("current_limit", 5)
        simulation.advance(by: .seconds(1))
        #expect(try master.read("active_power") == 0)
        #expect(try master.text("status") == "B1")
        try master.run(.chargepoint(.zero))
        simulation.advance(by: .seconds(1))
        #expect(simulation.reading(of: "evse1")?.chargeState == .connected)
    }

    @Test func theCarFinishesWhenItsBatteryIsFull() throws {
        let simulation = try Fixture.simulation(["evse1"])
        defer { simulation.stop() }
        simulation.plug(Car(capacity: 10_000, soc: 79, targetSoc: 80), into: "evse1")
        let master = try Master(simulation, device: "evse1", map: Fixture.map("alfen-ng9xx.yaml"))
        try master.run(.chargepoint(.force), ["current": 16])
        simulation.advance(by: .seconds(60))
        #expect(simulation.reading(of: "evse1")?.chargeState == .finished)
        #expect(try master.read("active_power") == 0)
        #expect(try master.text("status") == "B2")
        #expect(abs(try master.read("energy") - 100) < 0.01)
        simulation.plug(nil, into: "evse1")
        #expect(try master.text("status") == "A1")
    }

    @Test func alfenRevertsToItsSafeCurrentAfterTheValidityTime() throws {
        let simulation = try Fixture.simulation(["evse1"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "evse1", map: Fixture.map("alfen-ng9xx.yaml"))
        try master.run(.chargepoint(.limit), ["current": 16])
        simulation.advance(by: .seconds(25))
        #expect(try master.read("validity_remaining") == 35)
        try master.run(.chargepoint(.limit), ["current": 16])  // the refresh
        simulation.advance(by: .seconds(59))
        #expect(try master.read("current_limit") == 16)
        simulation.advance(by: .seconds(2))
        #expect(try master.read("current_limit") == 6)
        #expect(try master.read("active_power") == 6 * 3 * 230)
        #expect(simulation.reading(of: "evse1")?.fellBack == true)
    }

    @Test func webastoKeepsItsCurrentWhileTheLifeBitIsWrittenAndDropsItAfter() throws {
        let simulation = try Fixture.simulation(["evse2"])
        defer { simulation.stop() }
        let master = try Master(simulation, device: "evse2", map: Fixture.map("webasto-next.yaml"))
        try master.run(.chargepoint(.limit), ["current": 16])
        try master.heartbeat()
        for _ in 0..<6 {
            simulation.advance(by: .seconds(10))
            // The box clears the life bit; the master writes it again.
            #expect(try master.read("life_bit") == 0)
            try master.heartbeat()
        }
        #expect(try master.read("active_power") == 16 * 3 * 230)
        #expect(try master.read("status") == 3)
        simulation.advance(by: .seconds(21))
        #expect(try master.read("current_limit") == 0)
        #expect(try master.read("active_power") == 0)
        #expect(try master.read("status") == 1)
    }

    @Test func phoenixDrawsNothingWithItsEnableCoilOffEvenAt32Amperes() throws {
        let (simulation, map) = try Fixture.single("phoenix-ev-charge-control.yaml")
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        try master.write("current_limit", 32)
        try master.write("charging_enabled", 0)
        simulation.advance(by: .seconds(2))
        #expect(try master.read("active_power") == 0)
        #expect(simulation.reading(of: "dut")?.power == 0)
        #expect(simulation.reading(of: "dut")?.chargeState == .connected)
        try master.write("charging_enabled", 1)
        simulation.advance(by: .seconds(2))
        #expect(try master.read("active_power") == 32 * 3 * 230)
    }

    @Test func aRevivedPhoenixComesBackWithItsCoilOffAndDrawsNothing() throws {
        let (simulation, map) = try Fixture.single("phoenix-ev-charge-control.yaml")
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        try master.run(.chargepoint(.force), ["current": 16])
        simulation.advance(by: .seconds(60))
        #expect(try master.read("active_power") == 16 * 3 * 230)
        let delivered = try master.read("energy")
        simulation.kill("dut")
        simulation.advance(by: .seconds(1))
        try simulation.revive("dut")
        let again = try Master(simulation, device: "dut", map: map)
        #expect(try again.read("charging_enabled") == 0)
        #expect(try again.read("current_limit") == 0)
        #expect(try again.read("active_power") == 0)
        simulation.advance(by: .seconds(10))
        #expect(simulation.reading(of: "dut")?.power == 0)
        // The car and the energy counter are physics, not registers: they stay.
        #expect(simulation.reading(of: "dut")?.chargeState == .connected)
        #expect(try again.read("energy") >= delivered)
    }
}
