import SiteConfig
import Testing
import Vocabulary

/// The `simulation:` section of a device map and the site's `simulation:` profile decode into
/// their models, and their mistakes are reported where they are.
struct SimulationSpecTests {
    @Test func aBrokenSimulationSectionReportsEveryProblemInPlace() {
        #expect(
            BrokenMapTests.report("maps/simulation.yaml") == [
                #"9:3: error: found active without power in simulation, expected power: the set-point the battery follows while active"#,
                #"10:3: error: found current in the simulation of a battery map, expected one of active, power, charge_limit, discharge_limit, grid_target, soc_min, soc_max, response_time, ramp_rate, initial, telemetry, update_interval"#,
                #"11:18: error: charge_limit: found unknown name "setpont"; did you mean "setpoint"?"#,
                #"12:19: error: initial: found "externl" for point "mode", expected a number or one of its values; did you mean "external"?"#,
                #"12:33: error: initial: found 70000 for point "soc", which its registers cannot hold: 70000 does not fit uint16 (0…65535)"#,
                #"12:40: error: initial: found unknown point "missing", expected one of the map's points"#,
                #"14:5: error: telemetry: found writable point "mode", expected a read-only point (writable points keep what the master writes)"#,
            ])
    }

    @Test func theShippedMapsSayWhatTheirRegistersMean() throws {
        let victron = try DeviceMapLoader.load(path: FixturePaths.site("devices/victron-gx-ess.yaml")).get()
        let spec = try #require(victron.simulation)
        #expect(spec.active == .binary(.equal, .name("ess_mode"), .name("ess_external")))
        #expect(spec.gridTarget == .name("grid_setpoint"))
        #expect(spec.initial["battery_voltage"] == .number(51.2))
        let alfen = try DeviceMapLoader.load(path: FixturePaths.site("devices/alfen-ng9xx.yaml")).get()
        #expect(alfen.simulation?.status[.charging] == .text("C2"))
        #expect(alfen.simulation?.telemetry["validity_remaining"] == .name("fallback_left"))
        let sma = try DeviceMapLoader.load(path: FixturePaths.site("devices/sma-sunny-boy-storage.yaml")).get()
        // `values:` names stand for their raw numbers.
        #expect(sma.simulation?.initial["power_control"] == .number(803))
    }

    @Test func pointsOnAnotherUnitMayShareAddressesWithTheDevicesOwn() throws {
        let (map, diagnostics) = DeviceMapLoader.decode(
            yaml: """
                kind: battery
                name: two units
                points:
                  soc: {address: 37, encoding: uint16, unit: "%"}
                  setpoint_l1: {address: 37, encoding: int16, access: rw, device_address: 227}
                """, file: "two-units.yaml")
        #expect(diagnostics.isEmpty)
        #expect(map?.point(named: "setpoint_l1")?.unitID == 227)
        #expect(map?.point(named: "soc")?.unitID == nil)
    }

    @Test func aSiteMayNotGiveAMapsSecondUnitToAnotherDevice() throws {
        let (site, diagnostics) = SiteLoader.check(path: FixturePaths.fixture("sites/unit-clash.yaml"))
        #expect(site == nil)
        #expect(
            diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                #"5:79: found 127.0.0.1:1502 unit 227 again, expected one device per endpoint and unit (device "ess1" at line 4)"#
            ])
    }

    @Test func simulationSectionsTakeTheirKindsSettings() {
        let (pv, pvMessages) = PVMapDecodingTests.decode(
            """
            kind: pv
            name: An inverter
            points:
              active_power: {address: 0, encoding: int32, unit: W}
              limit_w: {address: 2, encoding: uint32, unit: W, access: rw}
            simulation:
              limit: limit_w
              update_interval: 500 ms
            """)
        #expect(pvMessages.isEmpty)
        #expect(pv?.simulation?.limit == .name("limit_w"))
        #expect(pv?.simulation?.updateInterval == .milliseconds(500))
        let (battery, batteryMessages) = PVMapDecodingTests.decode(
            """
            kind: battery
            name: A battery
            points:
              active_power: {address: 0, encoding: int32, unit: W}
            simulation:
              response_time: 2.5 s
              ramp_rate: 1 kW
            """)
        #expect(batteryMessages.isEmpty)
        #expect(battery?.simulation?.responseTime == .milliseconds(2500))
        #expect(battery?.simulation?.rampRate == 1000)
        let (_, broken) = PVMapDecodingTests.decode(
            """
            kind: battery
            name: A battery
            points:
              active_power: {address: 0, encoding: int32, unit: W}
            simulation:
              response_time: -1 s
              ramp_rate: 0 W
              limit: 5
              update_interval: 0 s
            """)
        #expect(
            broken == [
                "6:18: response_time: found -1 s, expected 0 s (at once) or more",
                "7:14: ramp_rate: found 0 W, expected a power above 0 W (the most the power changes per second)",
                "8:3: found limit in the simulation of a battery map, expected one of active, power, charge_limit, discharge_limit, grid_target, soc_min, soc_max, response_time, ramp_rate, initial, telemetry, update_interval",
                "9:20: update_interval: found 0 s, expected a duration above 0 s",
            ])
    }

    @Test func aSiteSimulatesLoadStepsAndSeededNoise() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/load-steps.yaml")).get()
        let profile = loaded.site.profile
        #expect(
            profile.loadSteps == [
                LoadStep(at: .seconds(10), power: 3000, duration: .seconds(20)),
                LoadStep(at: .seconds(40), power: -500),
            ])
        #expect(profile.loadStepPeriod == .seconds(60))
        #expect(profile.loadNoise == 50)
        #expect(profile.seed == 42)
    }

    @Test func brokenLoadStepsAreReportedInPlace() {
        let (site, diagnostics) = SiteLoader.check(path: FixturePaths.fixture("sites/broken-load-steps.yaml"))
        #expect(site == nil)
        #expect(
            diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
                "5:15: load_noise: found -5 W, expected a power of 0 W or more",
                "7:12: at: found 90 s, expected less than load_step_period 60 s",
                #"8:7: found a load step without "at", expected a duration such as `60 s`"#,
                "8:26: for: found 0 s, expected a duration above 0 s",
                #"9:25: power: found current "2 A", expected a power such as `5 kW`"#,
                #"9:30: found unknown key "when" in a load step; expected one of: at, power, for"#,
                #"11:9: seed: found "many", expected a whole number of 0 or more"#,
            ])
    }
}
