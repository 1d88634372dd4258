import SiteConfig
import Testing
import Vocabulary

/// A broken site reports its own problems and those of its maps, all at once.
struct BrokenSiteTests {
    static func report(_ fixture: String) -> [String] {
        let (site, diagnostics) = SiteLoader.check(path: FixturePaths.fixture(fixture))
        #expect(site == nil)
        return diagnostics.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
    }

    @Test func everyProblemOfTheSiteIsReportedWithItsLocation() {
        let missing = FixturePaths.fixture("maps/missing.yaml")
        #expect(
            Self.report("sites/broken-site.yaml") == [
                #"3:15: error: profile: found "nativ", expected a profile; did you mean "native"?"#,
                "8:15: error: capacity: found -5000 Wh, expected an energy above 0",
                "9:14: error: min_soc: found 90 % above max_soc 20 %, expected min_soc ≤ max_soc",
                #"11:9: error: id: found device id "ess1" again, expected unique ids (first at line 5)"#,
                #"13:11: error: found 127.0.0.1:1502 unit 1 again, expected one device per endpoint and unit (device "ess1" at line 7)"#,
                #"15:16: error: max_power: found duration "5 s", expected a power such as `5 kW`"#,
                #"17:10: error: found map "../maps/missing.yaml", but \#(missing) does not exist; expected a YAML file"#,
                "19:18: error: max_current: found 5 A, expected at least 6 A (the lowest current a car charges at)",
                "20:13: error: phases: found 2, expected 1 or 3",
                #"24:13: error: comset: found "8X1", expected data bits, parity (N, E or O) and stop bits such as 8N1 or 8E1"#,
                #"25:5: error: found unit and slave in device "serial", expected one unit id (the names are aliases)"#,
                #"28:25: error: watchdog: found power "50 kW", expected a duration such as `60 s`"#,
                "28:42: error: fallback: found FORCE_CHARGE without its power, expected {mode: FORCE_CHARGE, power: 5 kW}",
                #"29:10: error: id: found source "ems" again, expected unique source ids (first at line 28)"#,
                #"29:25: error: fallback: found "NO_DISCHRGE", expected a mode; did you mean "NO_DISCHARGE"?"#,
                #"31:1: error: found unknown key "allokation" in the site file; did you mean "allocation"?"#,
            ])
    }

    @Test func aFallbackNoMapOfItsTargetDefinesIsAnError() {
        #expect(
            Self.report("sites/undefined-mode.yaml") == [
                "4:33: error: listen: found 0.0.0.0:5020 again, expected each upstream on its own address (first at line 3)",
                "6:72: warning: found max_current on a battery, expected it only on a chargepoint; it is ignored",
                #"8:26: error: fallback: found NO_CHARGE on ess, which device "ess1" cannot carry out: its map ../maps/valid-battery.yaml has no NO_CHARGE recipe"#,
                "8:37: error: fallback: found ZERO on chargepoints, but this site has no chargepoint; expected fallbacks only for targets with devices",
            ])
    }

    @Test func aDeviceOnASerialLineNeedsAUnitFrom1To247() {
        let expected = "expected 1 to 247 on a serial line (0 is the broadcast address, 248 to 255 are reserved)"
        #expect(
            Self.report("sites/serial-units.yaml") == [
                "3:81: error: unit: found 248 for a device on serial line /dev/ttyUSB0, \(expected)",
                "4:83: error: slave: found 0 for a device on serial line /dev/ttyUSB0, \(expected)",
                #"7:57: error: found serial line /dev/ttyUSB1 with unit 250 (device_address of point "energy_import" in its map), \#(expected)"#,
                "8:58: error: found serial line /dev/ttyUSB2 with the map's unit 255, \(expected); give the device a unit",
                #"8:58: error: found serial line /dev/ttyUSB2 with unit 250 (device_address of point "energy_import" in its map), \#(expected)"#,
            ])
    }

    @Test func aMissingSiteFileIsAnError() {
        let path = FixturePaths.fixture("sites/nowhere.yaml")
        guard case .failure(let list) = SiteLoader.load(path: path) else {
            Issue.record("a missing site loaded")
            return
        }
        #expect(
            list.diagnostics.map(\.description) == [
                "\(path):1:1: error: found \(path), but \(path) does not exist; expected a YAML file"
            ])
    }
}

/// The upstream profiles are part of the check: device ids that would take the profiles' own
/// names are located errors (every profile, sunspec included, is served).
struct ProfileCheckTests {
    @Test func deviceIdsThatTakeTheProfilesNamesAreLocatedErrors() {
        let names = #"(not header or site, nor starting with "header." or "site.")"#
        #expect(
            BrokenSiteTests.report("sites/profile-names.yaml") == [
                #"6:10: error: id: found "site.ess", expected a name the upstream profiles do not use for their own points \#(names)"#,
                #"7:10: error: id: found "header", expected a name the upstream profiles do not use for their own points \#(names)"#,
            ])
    }
}
