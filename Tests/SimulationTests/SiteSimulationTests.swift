import Foundation
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// The demo site as one simulation: endpoints shared by several unit ids, the grid meter's
/// balance, ports chosen for tests, and devices killed and revived.
struct SiteSimulationTests {
    @Test func theDemoServesEveryDeviceWithTheMeterBehindTheVictron() throws {
        let simulation = try SiteSimulation(site: Fixture.demo(), options: .init(ports: .ephemeral))
        try simulation.start()
        defer { simulation.stop() }
        let served = simulation.served
        #expect(served.map(\.id) == ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"])
        #expect(served.first { $0.id == "ess1" }?.units == [100, 227])
        #expect(simulation.endpoint(of: "ess1") == simulation.endpoint(of: "grid"))
        #expect(Set(served.map(\.port)).count == 5)
        #expect(served.allSatisfy { $0.port != 0 })
        let pointed = simulation.site(pointingAt: try Fixture.demo())
        #expect(pointed.site.device(id: "evse2")?.endpoint == simulation.endpoint(of: "evse2"))
    }

    @Test func portOverridesPlaceEndpoints() throws {
        let port = freePort()
        let simulation = try SiteSimulation(
            site: Fixture.demo(), options: .init(ports: .mapped([15020: port, 15021: 0, 15022: 0, 15023: 0, 15024: 0])))
        try simulation.start()
        defer { simulation.stop() }
        #expect(simulation.endpoint(of: "grid") == .tcp(host: "127.0.0.1", port: port))
    }

    @Test func theGridMeterReportsLoadMinusPvMinusEssPlusEv() throws {
        let simulation = try Fixture.simulation(["ess1", "evse1", "grid"], load: 3000, pv: 5000)
        defer { simulation.stop() }
        let ess = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        let evse = try Master(simulation, device: "evse1", map: Fixture.map("alfen-ng9xx.yaml"))
        let meter = try Master(simulation, device: "grid", map: Fixture.map("generic-grid-meter.yaml"))
        for _ in 0..<144 {
            try ess.run(.ess(.setPower), ["power": 1200])
            try evse.run(.chargepoint(.limit), ["current": 8])
            simulation.advance(by: .seconds(25))
        }
        let ev = 8.0 * 3 * 230
        #expect(try meter.read("active_power") == 3000 - 5000 - 1200 + ev)
        #expect(try meter.read("active_power_l1") == ((3000 - 5000 - 1200 + ev) / 3).rounded())
        #expect(abs(try meter.read("energy_import") - (3000 - 5000 - 1200 + ev)) < 5)
        #expect(try meter.read("energy_export") == 0)
        #expect(simulation.balance == SiteBalance(load: 3000, pv: 5000, ess: 1200, ev: ev))
    }

    @Test func loadAndPvFollowTheirProfiles() {
        let profile = SiteProfile(
            load: 2000, loadSwing: 500, loadPeriod: .seconds(400), pvPeak: 8000, start: .seconds(6 * 3600),
            dayLength: .seconds(2400))
        #expect(profile.load(at: .seconds(100)) == 2500)
        #expect(profile.pv(at: .zero) == 0)
        #expect(abs(profile.pv(at: .seconds(600)) - 8000) < 1e-6)  // noon, a quarter of the day later
        #expect(profile.pv(at: .seconds(1500)) == 0)  // night
    }

    @Test func aKilledDeviceStopsAnsweringAndComesBack() throws {
        let simulation = try Fixture.simulation(["ess1", "ess2", "grid"])
        defer { simulation.stop() }
        let ess2 = try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml"))
        #expect(try ess2.read("soc") == 50)
        simulation.kill("ess2")
        #expect(throws: ModbusError.self) { try ess2.read("soc") }
        let fresh = try ModbusClient(endpoint: try #require(simulation.endpoint(of: "ess2")))
        let refused = #expect(throws: ModbusError.self) { try fresh.read(.holding, unit: 3, address: 30845, count: 2) }
        #expect(refused?.kind == .connectionRefused)
        try simulation.revive("ess2")
        let again = try Master(simulation, device: "ess2", map: Fixture.map("sma-sunny-boy-storage.yaml"))
        #expect(try again.read("soc") == 50)
    }

    @Test func killingOneUnitLeavesTheOthersOnItsEndpointAnswering() throws {
        let simulation = try Fixture.simulation(["ess1", "grid"])
        defer { simulation.stop() }
        let ess1 = try Master(simulation, device: "ess1", map: Fixture.map("victron-gx-ess.yaml"))
        let meter = try Master(simulation, device: "grid", map: Fixture.map("generic-grid-meter.yaml"))
        simulation.kill("ess1")
        let silent = #expect(throws: ModbusError.self) { try ess1.read("soc") }
        #expect(silent?.exceptionCode == .gatewayTargetFailedToRespond)
        #expect(try meter.read("active_power").isFinite)
        #expect(simulation.reading(of: "ess1")?.killed == true)
        try simulation.revive("ess1")
        #expect(try ess1.read("soc") == 50)
    }

    @Test func aRevivedDeviceComesBackWithItsPowerOnRegistersAndItsSoc() throws {
        let simulation = try Fixture.simulation(["ess2"])
        defer { simulation.stop() }
        let map = try Fixture.map("sma-sunny-boy-storage.yaml")
        let ess2 = try Master(simulation, device: "ess2", map: map)
        try ess2.run(.ess(.setPower), ["power": -3000])
        simulation.advance(by: .seconds(5))
        #expect(simulation.reading(of: "ess2")?.externallyControlled == true)
        let soc = try #require(simulation.reading(of: "ess2")?.soc)
        simulation.kill("ess2")
        try simulation.revive("ess2")
        // What the master wrote is gone: the map's initial values, and 0 elsewhere.
        #expect(simulation.value(of: "power_control", in: "ess2") == 803)  // inactive
        #expect(simulation.value(of: "power_setpoint", in: "ess2") == 0)
        #expect(simulation.value(of: "max_charge_power", in: "ess2") == 6000)
        #expect(simulation.reading(of: "ess2")?.externallyControlled == false)
        #expect(simulation.reading(of: "ess2")?.soc == soc)
        let again = try Master(simulation, device: "ess2", map: map)
        #expect(abs(try again.read("soc") - soc) <= 0.5)
    }

    @Test func aSerialDeviceCannotBeSimulated() throws {
        var loaded = try Fixture.demo()
        loaded.site.devices[0].endpoint = .rtu(SerialLine(device: "/dev/ttyUSB0"))
        let error = #expect(throws: SimulationError.self) { try SiteSimulation(site: loaded) }
        #expect(error?.message.contains("ess1") == true)
    }

    @Test func theRealTimeClockAdvancesTime() throws {
        let simulation = try Fixture.simulation(["grid"])
        defer { simulation.stop() }
        simulation.startClock(tick: .milliseconds(10))
        let deadline = ContinuousClock.now + .seconds(10)
        while simulation.elapsed < .milliseconds(200), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        simulation.stopClock()
        #expect(simulation.elapsed >= .milliseconds(200))
    }
}
