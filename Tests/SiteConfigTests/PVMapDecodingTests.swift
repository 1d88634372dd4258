import SiteConfig
import Testing
import Vocabulary

/// A PV map's curtailment recipe, LIMIT_PRODUCTION, is checked like a mode: only in PV maps,
/// only with its `power` parameter.
struct PVMapDecodingTests {
    static func decode(_ yaml: String) -> (DeviceMap?, [String]) {
        let (map, diagnostics) = DeviceMapLoader.decode(yaml: yaml, file: "pv.yaml")
        return (map, diagnostics.map { "\($0.line):\($0.column): \($0.message)" })
    }

    @Test func aPVMapTakesOnlyLimitProductionWithItsPowerParameter() {
        let (map, messages) = Self.decode(
            """
            kind: pv
            name: An inverter
            points:
              active_power: {address: 0, encoding: int32, unit: W}
              limit: {address: 2, encoding: uint32, unit: W, access: rw}
            control:
              modes:
                LIMIT_PRODUCTON: [{write: limit, value: power}]
                AUTO: []
                LIMIT_PRODUCTION: [{write: limit, value: maxChargePower}]
            """)
        #expect(map == nil)
        #expect(
            messages == [
                #"8:5: found mode "LIMIT_PRODUCTON" in a pv map, expected LIMIT_PRODUCTION, the only mode a pv device takes; did you mean "LIMIT_PRODUCTION"?"#,
                #"9:5: found mode "AUTO" in a pv map, expected LIMIT_PRODUCTION, the only mode a pv device takes"#,
                #"10:46: value: found parameter "maxChargePower", which this mode does not give; expected power, a point or a constant"#,
            ])
    }

    @Test func aBatteryMapCannotLimitProduction() {
        let (map, messages) = Self.decode(
            """
            kind: battery
            name: A battery
            points:
              limit: {address: 2, encoding: uint32, unit: W, access: rw}
            control:
              modes:
                LIMIT_PRODUCTION: [{write: limit, value: power}]
            """)
        #expect(map == nil)
        #expect(messages.count == 1)
        #expect(
            messages.first?.hasPrefix("7:5: found pv mode LIMIT_PRODUCTION in a battery map, expected one of AUTO")
                == true)
    }
}
