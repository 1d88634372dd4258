import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Simulated PV inverters produce the site profile's PV, the grid meter's balance counts what
/// they produce, and their curtailment registers cap them as the product's do.
struct PVTests {
    @Test func theDemoInverterProducesTheProfilesPVAndTheMeterCountsIt() throws {
        let simulation = try Fixture.simulation(["grid", "pv1"], load: 3000, pv: 6000)
        defer { simulation.stop() }
        let inverter = try Master(simulation, device: "pv1", map: Fixture.map("fronius-symo.yaml"))
        let meter = try Master(simulation, device: "grid", map: Fixture.map("generic-grid-meter.yaml"))
        simulation.advance(by: .seconds(3600))
        #expect(simulation.reading(of: "pv1")?.power == 6000)
        #expect(simulation.balance == SiteBalance(load: 3000, pv: 6000))
        #expect(try inverter.read("active_power") == 6000)
        #expect(try meter.read("active_power") == -3000)
        #expect(abs(try inverter.read("energy") - 6000) < 1)  // an hour at 6 kW
        #expect(abs(try inverter.read("ac_current") - 6000 / 230) < 1e-3)
        #expect(try inverter.read("state") == 4)  // MPPT
    }

    @Test func invertersShareThePVByTheirRatingsAndNeverExceedThem() throws {
        var (loaded, profile) = try Fixture.site(["grid", "pv1"], load: 1000, pv: 9000)
        var pv2 = try #require(loaded.site.device(id: "pv1"))
        pv2.id = "pv2"
        pv2.mapPath = Fixture.sitePath("devices/sunspec-inverter-103.yaml")
        pv2.endpoint = .tcp(host: "127.0.0.1", port: 15025)
        pv2.ratings = DeviceRatings(maxPower: 5000)
        loaded.site.devices.append(pv2)
        loaded.maps[pv2.mapPath] = try Fixture.map("sunspec-inverter-103.yaml")
        let shared = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral, profile: profile))
        shared.advance(by: .seconds(5))
        #expect(shared.reading(of: "pv1")?.power == 6000)
        #expect(shared.reading(of: "pv2")?.power == 3000)
        #expect(shared.balance.pv == 9000)
        profile.pvPeak = 20_000
        let bright = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral, profile: profile))
        bright.advance(by: .seconds(5))
        #expect(bright.reading(of: "pv1")?.power == 10_000)
        #expect(bright.reading(of: "pv2")?.power == 5000)
        #expect(bright.balance.pv == 15_000)
    }

    @Test func theSymosLimitCapsItUntilItsRevertTimeout() throws {
        let simulation = try Fixture.simulation(["grid", "pv1"], load: 1000, pv: 8000)
        defer { simulation.stop() }
        let map = try Fixture.map("fronius-symo.yaml")
        let inverter = try Master(simulation, device: "pv1", map: map)
        simulation.advance(by: .seconds(1))
        #expect(simulation.reading(of: "pv1")?.power == 8000)
        try inverter.limitProduction(3000)
        simulation.advance(by: .seconds(1))
        #expect(simulation.reading(of: "pv1")?.power == 3000)
        #expect(abs((simulation.value(of: "limit_percent", in: "pv1") ?? 0) - 30) < 1e-9)
        #expect(simulation.balance.grid == 1000 - 3000)
        // Refreshed within WMaxLimPct_RvrtTms, the limit holds...
        simulation.advance(by: .seconds(40))
        try inverter.limitProduction(3000)
        simulation.advance(by: .seconds(40))
        #expect(simulation.reading(of: "pv1")?.power == 3000)
        // ...and without a refresh the inverter drops it.
        simulation.advance(by: .seconds(25))
        #expect(simulation.reading(of: "pv1")?.fellBack == true)
        #expect(simulation.reading(of: "pv1")?.power == 8000)
        // The release writes the limit off at once.
        try inverter.limitProduction(2000)
        simulation.advance(by: .seconds(1))
        #expect(simulation.reading(of: "pv1")?.power == 2000)
        try inverter.run(map.control.releaseSteps(for: .pv))
        simulation.advance(by: .seconds(1))
        #expect(simulation.reading(of: "pv1")?.power == 8000)
    }

    @Test func theTripowersLimitIsItsSetActivePowerLimit() throws {
        let map = try Fixture.map("sma-sunny-tripower.yaml")
        let profile = SiteProfile(pvPeak: 18_000, start: .seconds(12 * 3600), dayLength: .zero)
        let simulation = try Fixture.single(map, ratings: DeviceRatings(maxPower: 25_000), profile: profile)
        defer { simulation.stop() }
        let inverter = try Master(simulation, device: "dut", map: map)
        simulation.advance(by: .seconds(1))
        #expect(try inverter.read("active_power") == 18_000)
        #expect(try inverter.read("active_power_l2") == 6000)
        try inverter.limitProduction(12_500)
        simulation.advance(by: .seconds(1))
        #expect(try inverter.read("active_power") == 12_500)
        #expect(try inverter.read("limit_in_force") == 12_500)
    }

    @Test func theSunSpecInverterPublishesRawValuesUnderItsScaleFactors() throws {
        let map = try Fixture.map("sunspec-inverter-103.yaml")
        let profile = SiteProfile(pvPeak: 7360, start: .seconds(12 * 3600), dayLength: .zero)
        let simulation = try Fixture.single(map, profile: profile)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        simulation.advance(by: .seconds(3600))
        // W in tens of watts (W_SF = 1), currents in hundredths (A_SF = -2), as the map's
        // simulation says; the map's own decoding applies the scale factors.
        #expect(try master.client.read(.holding, unit: 1, address: 40084, count: 2) == [736, 1])
        #expect(simulation.value(of: "active_power", in: "dut") == 7360)
        #expect(try master.client.read(.holding, unit: 1, address: 40076, count: 1) == [UInt16(bitPattern: -2)])
        #expect(abs((simulation.value(of: "current_l1", in: "dut") ?? 0) - 10.67) < 1e-9)
        #expect(abs((simulation.value(of: "energy", in: "dut") ?? 0) - 7360) <= 1)
        #expect(try master.text("manufacturer") == "busbar")
        #expect(try master.read("sunspec_id") == 0x5375_6E53)
    }
}
