import SiteConfig
import Testing
import Vocabulary

/// Every broken map of the corpus reports all its problems, each with its line and column.
struct BrokenMapTests {
    /// `line:column: severity: message`, without the file, in report order.
    static func report(_ fixture: String) -> [String] {
        let path = FixturePaths.fixture(fixture)
        let (map, diagnostics) = DeviceMapLoader.check(path: path)
        #expect(map == nil)
        #expect(diagnostics.allSatisfy { $0.file == path })
        return diagnostics.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
    }

    @Test func unknownKeysAndNamesSuggestTheClosestSpelling() {
        #expect(
            Self.report("maps/unknown-keys.yaml") == [
                #"1:7: error: kind: found "batery", expected a device kind; did you mean "battery"?"#,
                #"3:1: error: found unknown key "unti" in the device map; did you mean "unit"?"#,
                #"5:8: error: found point "soc" without "address", expected the 0-based register address, 0 to 65535"#,
                #"5:9: error: found unknown key "adress" in point "soc"; did you mean "address"?"#,
                #"6:3: error: found point name "power", which is reserved for a mode parameter or function; expected another name"#,
                #"6:35: error: encoding: found "flaot32", expected an encoding; did you mean "float32"?"#,
            ])
    }

    @Test func wrongTypesAndEncodingsThatDoNotFitAreLocated() {
        #expect(
            Self.report("maps/wrong-types.yaml") == [
                #"2:7: error: name: found a list, expected the product name, such as "Alfen NG9xx""#,
                #"3:10: error: max_gap: found "four", expected a number of registers from 0 to 123"#,
                "5:18: error: address: found -1, expected the 0-based register address, 0 to 65535",
                "5:47: error: scale: found 0, expected a number other than 0 (writes divide by it)",
                #"6:3: error: found unit kW on battery point "active_power", expected W (busbar works in W; convert with scale)"#,
                #"7:36: error: encoding: found string without "count", expected count: the registers the text occupies"#,
                "8:45: error: encoding: found float32 on a coil, expected bool (a coil holds one bit)",
                "9:19: error: address: found 70000, expected the 0-based register address, 0 to 65535",
                "9:51: error: access: found rw on an input register point, expected r (input registers are read-only)",
            ])
    }

    @Test func overlappingAndOutOfRangeRegistersAreErrorsUnlessDeclaredOverlay() {
        #expect(
            Self.report("maps/overlaps.yaml") == [
                #"5:3: error: found point "active_power_l1" on holding register 101, which point "active_power" (line 4) already occupies; expected distinct registers or overlay: true"#,
                "8:19: error: address: found 65535 with 2 registers, expected the point to end by 65535 (address + count ≤ 65536)",
                "9:50: error: count: found 1 for float32, expected 2 (float32 takes 2 registers)",
            ])
    }

    @Test func computedPointsTakeOnlyAValueOverNumericRegisterPoints() {
        #expect(
            Self.report("maps/computed.yaml") == [
                #"6:42: error: value: found unknown name "statsu"; did you mean "status"?"#,
                #"7:22: error: value: found point "label", which cannot be read as a number; expected a readable numeric point"#,
                "7:35: error: found address in computed point \"charging\", expected only value and unit (a point with value: has no registers)",
                #"8:20: error: value: found computed point "plugged" (line 6), expected a point with registers"#,
                #"8:40: error: unit: found W on chargepoint point "energy", expected Wh (busbar works in Wh)"#,
                #"13:17: error: write: found computed point "plugged" (line 6), expected a point with registers"#,
            ])
    }

    @Test func recipesNamingUnknownReadOnlyOrForeignThingsAreErrors() {
        #expect(
            Self.report("maps/control.yaml") == [
                #"11:36: error: value: found unknown name "powr"; did you mean "power"?"#,
                #"13:17: error: write: found read-only point "soc", expected a point with access: rw or w"#,
                #"15:35: error: value: found parameter "current", which this mode does not give; expected maxChargePower, a point or a constant"#,
                "16:5: error: found chargepoint mode ZERO in a battery map, expected one of AUTO, NO_DISCHARGE, LIMIT_CHARGE, NO_CHARGE, LIMIT_DISCHARGE, FORCE_CHARGE, FORCE_DISCHARGE, SET_POWER",
                #"19:17: error: write: found unknown point "setpont"; did you mean "setpoint"?"#,
                #"19:44: error: value: found the end, expected ")""#,
                #"21:34: error: value: found point "secret", which cannot be read as a number; expected a readable numeric point"#,
                #"22:23: error: interval: found power "50 kW", expected a duration such as `60 s`"#,
                "23:52: error: interval: found a heartbeat every 90 s, expected less than the fallback after 60 s (line 25), or the device falls back while controlled",
            ])
    }

    @Test func aMeterTakesNoControl() {
        #expect(
            Self.report("maps/meter-with-control.yaml") == [
                "5:1: error: found control in a meter map, expected none (a meter takes no commands)"
            ])
    }

    @Test func invalidYAMLIsReportedWhereTheParserStopped() {
        #expect(
            Self.report("maps/bad-yaml.yaml") == [
                "4:1: error: found invalid YAML: did not find expected ',' or '}' while parsing a flow mapping"
            ])
    }

    @Test func diagnosticsPrintLikeACompiler() {
        let diagnostic = Diagnostic(file: "sites/a.yaml", line: 3, column: 7, message: "found x, expected y")
        #expect(diagnostic.description == "sites/a.yaml:3:7: error: found x, expected y")
    }

    @Test func aMapWithErrorsDoesNotLoad() throws {
        let result = DeviceMapLoader.load(path: FixturePaths.fixture("maps/overlaps.yaml"))
        guard case .failure(let list) = result else {
            Issue.record("a map with overlapping points loaded")
            return
        }
        #expect(list.errors.count == 3)
        #expect(list.hasErrors)
    }
}

/// `sunspec: {models: …}` names SunSpec models busbar knows, each once.
struct SunSpecMapDecodingTests {
    @Test func unknownAndRepeatedModelsAreLocated() {
        let known = SunSpecChain.lengths.keys.sorted().map(String.init).joined(separator: ", ")
        #expect(
            BrokenMapTests.report("maps/broken-sunspec.yaml") == [
                "3:23: error: models: found 999, expected a SunSpec model id: \(known)",
                "3:28: error: models: found model 1 twice, expected each model once",
                #"3:31: error: models: found "x", expected a SunSpec model id: \#(known)"#,
                #"3:35: error: found unknown key "base" in sunspec; expected one of: models"#,
            ])
    }

    @Test func theShippedSunSpecMapsListTheirModelsAndStartBehindTheCommonModel() throws {
        let storage = try DeviceMapLoader.load(path: FixturePaths.site("devices/sunspec-storage-124.yaml")).get()
        #expect(storage.sunspec?.nominal.map(\.address) == [40002, 40070])
        #expect(storage.point(named: "model_id")?.address == 40070)
        // Found behind models 1 (L 66), 802 (L 62): model 124 at 40134, every point 64 further.
        let moved = storage.relocated(base: 40000, models: [1: 40002, 124: 40134])
        #expect(moved.point(named: "model_id")?.address == 40134)
        #expect(moved.point(named: "rate_sf")?.address == 40159)
        let inverter = try DeviceMapLoader.load(path: FixturePaths.site("devices/sunspec-inverter-103.yaml")).get()
        let shifted = inverter.relocated(base: 50000, models: [1: 50002, 103: 50069])
        #expect(shifted.point(named: "sunspec_id")?.address == 50000)
        #expect(shifted.point(named: "manufacturer")?.address == 50004)
        #expect(shifted.point(named: "model_id")?.address == 50069)
    }
}
