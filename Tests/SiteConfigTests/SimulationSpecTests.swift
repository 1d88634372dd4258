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
                #"10:3: error: found current in the simulation of a battery map, expected one of active, power, charge_limit, discharge_limit, grid_target, soc_min, soc_max, initial, telemetry"#,
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
}
