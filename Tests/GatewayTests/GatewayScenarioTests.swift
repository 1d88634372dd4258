import Control
import Foundation
import Gateway
import GatewayState
import Simulation
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// Issue 4's scenarios end to end: a pymodbus master writes the native profile, the gateway
/// drives the demo site's simulated batteries and chargepoints over real sockets.
@Suite(.serialized)
struct GatewayScenarioTests {
    func code(_ kind: EssModeKind) -> Int { Int(kind.code) }
    func code(_ kind: ChargepointModeKind) -> Int { Int(kind.code) }

    /// Holds `condition` over a couple of seconds of samples, not just once.
    func holds(for samples: Int = 10, _ condition: () -> Bool) -> Bool {
        for _ in 0..<samples {
            guard condition() else { return false }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return true
    }

    @Test func forceDischargeThenNoDischargeStopsDischargingButStillAllowsCharging() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("site.ess", code(.forceDischarge), parameter: 3000) == nil)
        #expect(eventually { abs(site.essPower - 3000) < 50 })
        #expect(try site.setMode("site.ess", code(.noDischarge)) == nil)
        #expect(eventually { site.power("ess1") <= 1 && site.power("ess2") <= 1 })
        #expect(holds { site.power("ess1") <= 1 && site.power("ess2") <= 1 })
        // Charging stays allowed: the published allowed charge power is not zero.
        let allowedCharge = try #require(try site.read("site.ess.allowedChargePower") as? Int)
        #expect(allowedCharge < 0)
        #expect(try site.read("site.ess.activeMode") as? Int == code(.noDischarge))
    }

    @Test func limitChargeKeepsTheTotalChargeWithinTwoKilowatts() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        // Make the batteries want to charge hard first.
        #expect(try site.setMode("site.ess", code(.forceCharge), parameter: 8000) == nil)
        #expect(eventually { site.essPower < -7000 })
        #expect(try site.setMode("site.ess", code(.limitCharge), parameter: 2000) == nil)
        #expect(eventually { site.essPower >= -2000 - 20 })
        #expect(holds { site.essPower >= -2000 - 20 })
    }

    @Test func setPowerSplitsMinusFiveKilowattsOverBothBatteries() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("site.ess", code(.setPower), parameter: -5000) == nil)
        #expect(eventually { abs(site.essPower + 5000) < 5 })
        #expect(site.power("ess1") < -100 && site.power("ess2") < -100)
        #expect(try site.read("site.ess.activeModePower") as? Int == -5000)
    }

    /// GRID_SETPOINT through the native profile: the gateway steers the simulated batteries until
    /// the simulated grid meter reads the target, and holds it.
    @Test func gridSetpointBringsTheSimulatedGridMeterToItsTarget() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let grid = { site.power("grid") }
        #expect(try site.setMode("site.ess", code(.gridSetpoint), parameter: -1500) == nil)
        #expect(eventually { abs(grid() + 1500) <= 150 })
        #expect(holds { abs(grid() + 1500) <= 150 })
        #expect(try site.read("site.ess.activeMode") as? Int == code(.gridSetpoint))
        #expect(try site.read("site.ess.activeModePower") as? Int == -1500)
        // Back to self-consumption: 0 W at the meter.
        #expect(try site.setMode("site.ess", code(.gridSetpoint), parameter: 0) == nil)
        #expect(eventually { abs(grid()) <= 150 })
    }

    @Test func killedBatteryShareMovesToTheOtherAndItRejoins() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("site.ess", code(.setPower), parameter: -4000) == nil)
        #expect(eventually { abs(site.essPower + 4000) < 5 && site.power("ess2") < -100 })
        site.simulation.kill("ess2")
        #expect(eventually { site.gateway.controller.snapshot.device("ess2")?.online == false })
        #expect(eventually { abs(site.power("ess1") + 4000) < 5 })
        try site.simulation.revive("ess2")
        #expect(eventually { site.gateway.controller.snapshot.device("ess2")?.online == true })
        #expect(eventually { site.power("ess2") < -100 && abs(site.power("ess1") + site.power("ess2") + 4000) < 5 })
    }

    @Test func silentMasterFallsBackWhenItsWatchdogExpires() throws {
        // Long enough for the batteries' response (a 1 s lag each) to settle within it.
        let site = try ScenarioFixture(watchdog: .seconds(15))
        defer { site.stop() }
        #expect(try site.setMode("site.ess", code(.setPower), parameter: -3000) == nil)
        #expect(eventually(timeout: .seconds(14)) { abs(site.essPower + 3000) < 5 })
        // The master says nothing more: the batteries return to their own control.
        #expect(
            eventually(timeout: .seconds(30)) { site.simulation.reading(of: "ess2")?.externallyControlled == false })
        // Nobody holds a mode any more: the fallback (AUTO, no command) does. A read that fails
        // or answers no number fails the test.
        let fallback = try #require(
            site.map.register(named: "site.ess.source")?.values?.first { $0.name == "FALLBACK" }?.code)
        #expect(try eventually { try #require(try site.read("site.ess.source") as? Int) == fallback })
        #expect(try #require(try site.read("site.ess.activeMode") as? Int) == code(.auto))
    }

    @Test func durationEndsTheModeByItself() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        // Long enough for the batteries' response (a 1 s lag each) to settle within it.
        #expect(try site.setMode("site.ess", code(.setPower), parameter: -3000, duration: 15) == nil)
        #expect(eventually(timeout: .seconds(14)) { abs(site.essPower + 3000) < 5 })
        let remaining = try #require(try site.read("site.ess.remaining") as? Int)
        #expect(remaining >= 1 && remaining <= 14)
        #expect(
            eventually(timeout: .seconds(30)) { site.simulation.reading(of: "ess2")?.externallyControlled == false })
    }

    @Test func chargepointsFollowForceMinimumAndZero() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        for id in ["evse1", "evse2"] { site.simulation.plug(Car(soc: 20, targetSoc: 90), into: id) }
        #expect(try site.setMode("site.evcs", code(.force)) == nil)
        #expect(
            eventually {
                site.simulation.reading(of: "evse1")?.current == 16
                    && site.simulation.reading(of: "evse2")?.current == 32
            })
        #expect(eventually { site.power("evse1") > 10_000 })
        #expect(try site.setMode("site.evcs", code(.minimum)) == nil)
        #expect(
            eventually {
                site.simulation.reading(of: "evse1")?.current == 6 && site.simulation.reading(of: "evse2")?.current == 6
            })
        #expect(try site.setMode("site.evcs", code(.zero)) == nil)
        #expect(eventually { site.power("evse1") == 0 && site.power("evse2") == 0 })
    }

    @Test func pluggedIsReadFromTheAlfenStatusAsTheCarComesAndGoes() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(eventually { (try? site.read("evse1.plugged")) as? Int == 1 })
        site.simulation.plug(nil, into: "evse1")
        #expect(eventually { (try? site.read("evse1.plugged")) as? Int == 0 })
    }

    @Test func surplusDoesNotStartChargingWhileTheSiteImports() throws {
        var night = SiteProfile()
        night.load = 3000
        night.pvPeak = 0
        let site = try ScenarioFixture(profile: night)
        defer { site.stop() }
        site.simulation.plug(Car(soc: 20, targetSoc: 90), into: "evse1")
        // No PV and the batteries kept from discharging: the grid covers the load, no surplus.
        #expect(try site.setMode("site.ess", code(.noDischarge)) == nil)
        #expect(try site.setMode("site.evcs", code(.surplus)) == nil)
        #expect(eventually { (site.gateway.controller.snapshot.gridPower ?? 0) > 2000 })
        #expect(eventually { site.power("evse1") == 0 })
        #expect(holds(for: 15) { site.power("evse1") == 0 })
    }

    @Test func surplusChargesTheCarFromPVExportWithAtLeastSixAmperes() throws {
        var sunny = SiteProfile()
        sunny.load = 1000
        sunny.pvPeak = 15_000
        sunny.start = .seconds(12 * 3600)
        // The demo's inverter is rated 10 kW: one that takes the 15 kW.
        let site = try ScenarioFixture(profile: sunny, ratings: ["pv1": DeviceRatings(maxPower: 20_000)])
        defer { site.stop() }
        site.simulation.plug(Car(soc: 20, targetSoc: 90), into: "evse1")
        site.simulation.plug(nil, into: "evse2")
        #expect(try site.setMode("site.evcs", code(.zero)) == nil)
        #expect(eventually { site.power("evse1") == 0 })
        // Export plus the batteries' charging is the surplus: well above the 6 A minimum.
        #expect(try site.setMode("site.evcs", code(.surplus)) == nil)
        #expect(eventually { (site.simulation.reading(of: "evse1")?.current ?? 0) > 6 && site.power("evse1") > 4500 })
        // The car takes the surplus, not the grid: the site does not import for it.
        #expect(eventually { (site.gateway.controller.snapshot.gridPower ?? 1) <= 0 })
    }

    @Test func invalidWritesGetExceptionsAndChangeNothing() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let before = site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)
        #expect(try site.setMode("site.ess", 99) == 3)  // unknown mode
        #expect(try site.setMode("site.ess", code(.setPower), parameter: 2_000_000_000) == 3)  // out of range
        let readOnly: [String: Any] = [
            "port": site.nativePort, "unit": 1, "op": "write", "address": try site.address("site.ess.soc"),
            "items": [["uint16", 1]], "fc6": true,
        ]
        let halfPower: [String: Any] = [
            "port": site.nativePort, "unit": 1, "op": "write", "address": try site.address("site.ess.power") + 1,
            "items": [["uint16", 1]], "fc6": true,
        ]
        let results = try site.master([readOnly, halfPower])
        #expect(results[0]["exception"] as? Int == 2)
        #expect(results[1]["exception"] as? Int == 3)
        #expect(holds(for: 5) { site.simulation.reading(of: "ess2")?.externallyControlled == false })
        #expect(site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster) == before)
    }

    @Test func siteTelemetryAgreesWithTheDevicesReadDirectly() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let victron = try #require(site.port(of: "ess1"))
        let sma = try #require(site.port(of: "ess2"))
        site.simulation.setSoc(40, of: "ess1")
        site.simulation.setSoc(80, of: "ess2")
        #expect(
            eventually {
                let snapshot = site.gateway.controller.snapshot
                return abs((snapshot.device("ess1")?.value(.soc) ?? 0) - 40) < 0.5
                    && abs((snapshot.device("ess2")?.value(.soc) ?? 0) - 80) < 0.5
            })
        let results = try site.master([
            site.readOperation("ess1.soc"), site.readOperation("ess2.soc"), site.readOperation("site.ess.soc"),
            site.readOperation("direct", port: victron, unit: 100, address: 843, type: "uint16"),
            site.readOperation("direct", port: sma, unit: 3, address: 30845, type: "uint32"),
        ])
        let values = results.map { ($0["value"] as? NSNumber)?.doubleValue ?? .nan }
        #expect(abs(values[0] - values[3]) <= 1)
        #expect(abs(values[1] - values[4]) <= 1)
        // Weighted by capacity: 10 kWh at ~40 % and 9.8 kWh at ~80 %.
        #expect(abs(values[2] - (values[3] * 10 + values[4] * 9.8) / 19.8) < 1)
    }
}
