import SiteConfig
import Testing
import Vocabulary

/// A source's `fallback:`: a mode name, a mode with its parameters, or a list with targets;
/// every problem reported where it is written; and a fallback no map can carry out refused.
struct FallbackDecodingTests {
    @Test func theThreeFormsDecodeToFallbacksPerTarget() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/fallbacks.yaml")).get()
        let fallbacks = Dictionary(uniqueKeysWithValues: loaded.site.sources.map { ($0.id, $0.fallbacks) })
        #expect(fallbacks["ems"] == [SourceFallback(target: .essCluster, mode: .ess(.noDischarge))])
        #expect(
            fallbacks["cloud"] == [
                SourceFallback(target: .chargepointCluster, mode: .chargepoint(.limit), parameters: [.current: 6])
            ])
        #expect(
            fallbacks["scada"] == [
                SourceFallback(
                    target: .essCluster, mode: .ess(.limitDischarge), parameters: [.maxDischargePower: 5_000]),
                SourceFallback(target: .device("evse1"), mode: .chargepoint(.zero)),
                SourceFallback(target: .device("ess1"), mode: .ess(.setPower), parameters: [.power: -2_500]),
                SourceFallback(target: .chargepointCluster, mode: .chargepoint(.surplus)),
            ])
        #expect(fallbacks["local"] == [SourceFallback(target: .essCluster, mode: .ess(.auto))])
    }

    @Test func eachTargetTakesTheFallbackOfTheHighestPrioritySourceThatNamesIt() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/fallbacks.yaml")).get()
        // ess: local (20) says AUTO, over ems and scada (10). chargepoints: scada (10) over cloud
        // (5). The devices: only scada names them.
        #expect(
            loaded.site.fallbacks == [
                SourceFallback(target: .essCluster, mode: .ess(.auto)),
                SourceFallback(target: .chargepointCluster, mode: .chargepoint(.surplus)),
                SourceFallback(target: .device("ess1"), mode: .ess(.setPower), parameters: [.power: -2_500]),
                SourceFallback(target: .device("evse1"), mode: .chargepoint(.zero)),
            ])
    }

    @Test func betweenSourcesOfEqualPriorityTheOneListedFirstWins() {
        let site = Site(
            name: "Ties", devices: [],
            sources: [
                SourceConfig(id: "low", priority: 1, fallbacks: [SourceFallback(.ess(.noCharge))]),
                SourceConfig(id: "first", priority: 5, fallbacks: [SourceFallback(.ess(.noDischarge))]),
                SourceConfig(
                    id: "second", priority: 5,
                    fallbacks: [
                        SourceFallback(.ess(.noCharge)), SourceFallback(.chargepoint(.minimum)),
                    ]),
            ])
        #expect(site.fallbacks == [SourceFallback(.ess(.noDischarge)), SourceFallback(.chargepoint(.minimum))])
    }

    @Test func aSourceWithoutFallbackNamesNoTarget() {
        let site = Site(name: "Quiet", devices: [], sources: [SourceConfig(id: "ems", priority: 10)])
        #expect(site.fallbacks.isEmpty)
    }

    @Test func everyProblemOfAFallbackIsReportedWhereItIsWritten() {
        #expect(
            BrokenSiteTests.report("sites/broken-fallbacks.yaml") == [
                #"7:23: error: fallback: found "NO_DISCHRGE", expected a mode; did you mean "NO_DISCHARGE"?"#,
                "8:23: error: fallback: found LIMIT without its current, expected {mode: LIMIT, current: 6 A}",
                #"9:23: error: found fallback LIMIT without "current", expected a current such as `16 A`"#,
                #"10:51: error: found unknown key "power" in fallback LIMIT; expected one of: target, mode, current"#,
                #"11:66: error: maxDischargePower: found current "6 A", expected a power such as `5 kW`"#,
                "12:46: error: current: found 20000 A, expected 0 to 10000 A",
                "13:60: error: maxChargePower: found -1000 W, expected 0 to 1000000000 W",
                #"14:32: error: target: found "evse3", expected ess, chargepoints or the id of a battery or chargepoint (ess1, evse1); did you mean "evse1"?"#,
                #"15:32: error: target: found "grid", a meter, which takes no modes; expected ess, chargepoints or the id of a battery or chargepoint (ess1, evse1)"#,
                #"16:44: error: mode: found ZERO, a chargepoint mode, for battery "ess1"; expected a battery mode: AUTO, NO_DISCHARGE, LIMIT_CHARGE, NO_CHARGE, LIMIT_DISCHARGE, FORCE_CHARGE, FORCE_DISCHARGE, SET_POWER, GRID_SETPOINT, GRID_LIMIT, CHARGE_TO_SOC"#,
                "17:52: error: mode: found NO_CHARGE, a battery mode, for target chargepoints; expected a chargepoint mode: ZERO, MINIMUM, SURPLUS, FORCE, LIMIT, CHARGE_ENERGY",
                #"21:31: error: fallback: found a second fallback for target evse1 of source "l", expected one per target (first at line 20)"#,
                #"23:30: error: fallback: found a second fallback for target chargepoints of source "l", expected one per target (first at line 22)"#,
                "24:24: error: fallback: found a list, expected a mode such as NO_DISCHARGE, a mapping such as {mode: LIMIT, current: 6 A}, or a list of them",
                #"25:23: error: found fallback FORCE_CHARGE without "power", expected a power such as `5 kW`"#,
                #"25:57: error: found unknown key "pwer" in fallback FORCE_CHARGE; did you mean "power"?"#,
                "26:45: error: fallback: found CHARGE_ENERGY, which ends once its energy is delivered; expected a mode that holds its target (a fallback never ends)",
                "27:74: error: targetEnergy: found 2000 kWh, expected 0 to 1000 kWh",
            ])
    }

    @Test func aFallbackADeviceMapCannotCarryOutIsRefusedNamingTheDeviceAndItsMap() {
        // scada's SET_POWER on ess1 and MINIMUM on evse1, and push's LIMIT of 10 A on evse2,
        // can be carried out.
        #expect(
            BrokenSiteTests.report("sites/uncarried-fallbacks.yaml") == [
                #"7:25: error: fallback: found NO_DISCHARGE on ess, which device "ess1" cannot carry out: its map ../maps/valid-battery.yaml has no NO_DISCHARGE recipe"#,
                #"8:27: error: fallback: found ZERO on chargepoints, which device "evse2" cannot carry out: its map ../maps/limit-only-chargepoint.yaml has no ZERO recipe"#,
                #"13:31: error: fallback: found LIMIT(current: 3 A) on evse2, which device "evse2" cannot carry out: its map ../maps/limit-only-chargepoint.yaml has no ZERO recipe, which a LIMIT under 6 A needs (a chargepoint cannot charge below 6 A, so it is off)"#,
                #"14:34: error: fallback: found LIMIT(current: 16 A) on chargepoints, which device "evse2" cannot carry out: its map ../maps/limit-only-chargepoint.yaml has no ZERO recipe, which a cluster LIMIT needs for the chargepoints its cap leaves without 6 A"#,
            ])
    }
}
