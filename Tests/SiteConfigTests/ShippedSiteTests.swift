import Foundation
import Modbus
import SiteConfig
import Testing
import Vocabulary

/// The maps and the demo site in `sites/` load, and mean what their comments say.
struct ShippedSiteTests {
    static func loadDemo() throws -> LoadedSite {
        try SiteLoader.load(path: FixturePaths.site("demo.yaml")).get()
    }

    @Test func theDemoSitePassesCheckWithoutWarnings() throws {
        let loaded = try Self.loadDemo()
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.site.name == "Demo site")
        #expect(loaded.site.devices.map(\.id) == ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"])
        #expect(loaded.maps.count == 6)
        #expect(loaded.site.allocation == .proportional)
        #expect(loaded.site.pollInterval == .seconds(1))
        #expect(
            loaded.site.upstreams == [
                UpstreamConfig(profile: .native, host: "0.0.0.0", port: 5020, unit: 1),
                UpstreamConfig(profile: .openems, host: "0.0.0.0", port: 5021, unit: 1),
            ])
        #expect(
            loaded.site.sources == [
                SourceConfig(id: "ems", priority: 10, watchdog: .seconds(60), fallbacks: [SourceFallback(.ess(.auto))]),
                SourceConfig(
                    id: "cloud", priority: 5, watchdog: .seconds(300), fallbacks: [SourceFallback(.ess(.auto))]),
            ])
    }

    /// A reload keeps a device whose map is unchanged: every map must equal itself loaded again
    /// (a NaN sentinel once made the float maps unequal, so a reload handed their devices back).
    @Test func theDemoSiteLoadedTwiceIsEqual() throws {
        let first = try Self.loadDemo()
        let second = try Self.loadDemo()
        #expect(first.site == second.site)
        for device in first.site.devices {
            #expect(first.map(for: device) == second.map(for: device), "\(device.id)")
        }
        let folder = FixturePaths.site("devices")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".yaml") {
            let path = "\(folder)/\(name)"
            #expect(try DeviceMapLoader.load(path: path).get() == DeviceMapLoader.load(path: path).get(), "\(name)")
        }
    }

    /// CHARGE_ENERGY counts a chargepoint's energy register and is carried out by LIMIT: every
    /// shipped chargepoint map has both, with the energy in Wh.
    @Test func everyShippedChargepointMapCountsEnergyAndTakesLimit() throws {
        let folder = FixturePaths.site("devices")
        var chargepoints = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".yaml") {
            let map = try DeviceMapLoader.load(path: "\(folder)/\(name)").get()
            guard map.kind == .chargepoint else { continue }
            chargepoints += 1
            #expect(map[role: .energy]?.unit == "Wh", "\(name)")
            #expect(map.control.modes.contains(.chargepoint(.limit)), "\(name)")
        }
        #expect(chargepoints == 3)
    }

    @Test func theDemoHasTwoBatteriesTwoChargepointsAMeterAndAPVInverterOfDifferentVendors() throws {
        let loaded = try Self.loadDemo()
        let kinds = loaded.site.devices.map { loaded.map(for: $0)?.kind }
        #expect(kinds == [.battery, .battery, .chargepoint, .chargepoint, .meter, .pv])
        let names = Set(loaded.site.devices.compactMap { loaded.map(for: $0)?.name })
        #expect(names.count == 6)
        #expect(loaded.site.device(id: "pv1")?.ratings == DeviceRatings(maxPower: 10_000))
    }

    @Test func ratingsAreInBusbarUnits() throws {
        let loaded = try Self.loadDemo()
        let ess1 = try #require(loaded.site.device(id: "ess1"))
        #expect(ess1.ratings == DeviceRatings(capacity: 10_000, maxPower: 5_000, minSoc: 10, maxSoc: 95))
        #expect(ess1.endpoint == .tcp(host: "127.0.0.1", port: 15020))
        #expect(ess1.unit == 100)
        #expect(ess1.simulate)
        let evse1 = try #require(loaded.site.device(id: "evse1"))
        #expect(evse1.ratings == DeviceRatings(maxCurrent: 16, phases: 3))
    }

    @Test func devicesBehindOneGatewayShareItsEndpoint() throws {
        let loaded = try Self.loadDemo()
        let ess1 = try #require(loaded.site.device(id: "ess1"))
        let grid = try #require(loaded.site.device(id: "grid"))
        #expect(ess1.endpoint == grid.endpoint)
        #expect(ess1.unit != grid.unit)
    }

    @Test func victronBatteryPowerIsTurnedToBusbarSigns() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/victron-gx-ess.yaml")).get()
        let power = try #require(map[role: .activePower])
        // Victron reports 1200 W as +1200 while charging; busbar counts charging as negative.
        #expect(try power.codec.engineeringValue([1200]) == -1200)
        let minSoc = try #require(map.point(named: "min_soc"))
        #expect(try minSoc.codec.encode(engineering: 20) == [200])
        let recipe = try #require(map.control.recipes[.ess(.limitCharge)])
        let step = try #require(recipe.steps.first { $0.point == "max_charge_current" })
        let amperes = step.value.evaluate { ["maxChargePower": 2400, "battery_voltage": 48][$0] }
        #expect(
            recipe.steps.map(\.point) == ["ess_mode", "grid_setpoint", "max_charge_current", "max_discharge_limit"])
        #expect(amperes == 50)
    }

    @Test func alfenRefreshesWithinItsValidityAndFallsBackToTheSafeCurrent() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/alfen-ng9xx.yaml")).get()
        #expect(map.kind == .chargepoint)
        #expect(map.control.modes == DeviceKind.chargepoint.recipeModes)
        #expect(map.control.refresh == Refresh(interval: .seconds(25)))
        #expect(
            map.fallback
                == Fallback(
                    after: .seconds(60), writes: [WriteStep(point: "current_limit", value: .name("safe_current"))]))
        let limit = try #require(map[role: .currentLimit])
        #expect(limit.valueType == .float32)
        #expect(limit.access == .readWrite)
        #expect(try limit.codec.encode(engineering: 16) == [0x4180, 0x0000])
    }

    @Test func bothDemoBatteriesCarryEveryEssModeIncludingSetPower() throws {
        let loaded = try Self.loadDemo()
        for id in ["ess1", "ess2"] {
            let device = try #require(loaded.site.device(id: id))
            let map = try #require(loaded.map(for: device))
            #expect(map.control.modes == DeviceKind.battery.recipeModes, "\(map.name)")
            #expect(map.simulation?.active != nil, "\(map.name)")
        }
    }

    @Test func victronSetPowerUsesEssModeThreeOnTheVeBusUnit() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/victron-gx-ess.yaml")).get()
        let recipe = try #require(map.control.recipes[.ess(.setPower)])
        #expect(recipe.steps.last == WriteStep(point: "ess_mode", value: .name("ess_external")))
        let phases = recipe.steps.filter { $0.point.hasPrefix("setpoint_l") }
        #expect(phases.map { map.point(named: $0.point)?.unitID } == [227, 227, 227])
        // Whole watts per phase that add up to the set-point.
        let watts = phases.compactMap { $0.value.evaluate { ["power": -2500][$0] } }
        #expect(watts == [-834, -833, -833])
        #expect(map.units(device: 100) == [100, 227])
        #expect(
            ReadPlanner.plan(map: map).last
                == PlannedRead(
                    table: .holding, address: 37, count: 5,
                    points: ["setpoint_l1", "disable_charge", "disable_feed_in", "setpoint_l2", "setpoint_l3"],
                    unit: 227
                ))
    }

    @Test func theDemoSimulatesLoadsWithStepsAndNoiseAndPv() throws {
        let profile = try Self.loadDemo().site.profile
        #expect(
            profile
                == SiteProfile(
                    load: 2500, loadSwing: 1000, loadPeriod: .seconds(600), pvPeak: 8000, start: .seconds(36000),
                    dayLength: .seconds(7200),
                    loadSteps: [
                        LoadStep(at: .seconds(120), power: 3000, duration: .seconds(60)),
                        LoadStep(at: .seconds(360), power: 1500, duration: .seconds(120)),
                    ], loadStepPeriod: .seconds(600), loadNoise: 50, seed: 1))
    }

    @Test func webastoSendsALifeBit() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/webasto-next.yaml")).get()
        #expect(
            map.control.heartbeat
                == Heartbeat(step: WriteStep(point: "life_bit", value: .number(1)), interval: .seconds(10)))
    }

    @Test func notAvailableSentinelsFollowSunSpecAndSMA() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/sma-sunny-boy-storage.yaml")).get()
        let soc = try #require(map[role: .soc])
        #expect(soc.isNotAvailable(.uint(0xFFFF_FFFF)))
        #expect(!soc.isNotAvailable(.uint(55)))
        let power = try #require(map[role: .activePower])
        #expect(power.isNotAvailable(.int(Int64(Int32.min))))
        let alfenPower = try #require(
            DeviceMapLoader.load(path: FixturePaths.site("devices/alfen-ng9xx.yaml")).get()[role: .activePower])
        #expect(alfenPower.isNotAvailable(.float(.nan)))
    }
}
