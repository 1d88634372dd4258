import Modbus
import SiteConfig
import Testing
import Vocabulary

/// The shipped PV maps decode into what their sources say, with their curtailment recipes.
struct PVMapTests {
    static func load(_ file: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: FixturePaths.site("devices/\(file)")).get()
    }

    @Test func theSunSpecInverterReadsModel103WithItsScaleFactors() throws {
        let map = try Self.load("sunspec-inverter-103.yaml")
        #expect(map.kind == .pv)
        #expect(map.unit == 1)
        let power = try #require(map[role: .activePower])
        #expect(power.address == 40084 && power.valueType == .int16 && power.scaleRegister == "power_sf")
        #expect(map.point(named: "power_sf")?.address == 40085)
        let energy = try #require(map[role: .energy])
        #expect(energy.address == 40094 && energy.valueType == .uint32 && energy.scaleRegister == "energy_sf")
        #expect(map.point(named: "energy_sf")?.address == 40096)
        #expect(map.point(named: "model_id")?.address == 40070)
        #expect(map.point(named: "state")?.address == 40108)
        // Model 103 has no per-phase power, and this generic map no curtailment.
        #expect(map[role: .activePowerL1] == nil)
        #expect(map.control.limitProduction == nil && map.control.modes.isEmpty)
        #expect(map.identity == ["manufacturer", "model", "serial", "firmware"])
        #expect(power.isNotAvailable(.int(-32768)))
        #expect(!energy.isNotAvailable(.uint(0)))
    }

    @Test func theSunnyTripowerReadsTheSmaProfileAndLimitsThroughInverterWMax() throws {
        let map = try Self.load("sma-sunny-tripower.yaml")
        #expect(map.kind == .pv && map.unit == 3)
        let power = try #require(map[role: .activePower])
        #expect(power.address == 30775 && power.valueType == .int32)
        #expect(power.isNotAvailable(.int(Int64(Int32.min))))  // NaN at night
        #expect(map[role: .energy]?.address == 30513 && map[role: .energy]?.valueType == .uint64)
        #expect(
            [TelemetryRole.activePowerL1, .activePowerL2, .activePowerL3].map { map[role: $0]?.address } == [
                30777, 30779, 30781,
            ])
        let steps = try #require(map.control.limitProduction)
        #expect(steps.map(\.point) == ["power_limit"])
        #expect(map.point(named: "power_limit")?.address == 40915)
        func limit(_ power: Double) -> Double? {
            steps[0].value.evaluate { ["power": power][$0] ?? map.constants[$0] }
        }
        #expect(limit(12_000) == 12_000)
        #expect(limit(40_000) == 25_000)  // no more than the rating
        #expect(map.control.releaseSteps(for: .pv).map(\.point) == ["power_limit"])
    }

    @Test func theFroniusSymoReadsFloatModel113AndLimitsThroughModel123() throws {
        let map = try Self.load("fronius-symo.yaml")
        #expect(map.kind == .pv && map.unit == 1)
        #expect(map.point(named: "model_id")?.address == 40069)  // after a common model of 65
        let power = try #require(map[role: .activePower])
        #expect(power.address == 40091 && power.valueType == .float32)
        #expect(map[role: .energy]?.address == 40101 && map[role: .energy]?.valueType == .float32)
        #expect(map.point(named: "limit_percent")?.address == 40242)
        #expect(map.point(named: "limit_percent")?.scaleRegister == "limit_percent_sf")
        #expect(map.point(named: "limit_enabled")?.address == 40246)
        #expect(map.point(named: "limit_percent_sf")?.address == 40260)
        let steps = try #require(map.control.limitProduction)
        #expect(steps.map(\.point) == ["limit_revert_timeout", "limit_percent", "limit_enabled"])
        #expect(steps[1].value.evaluate { ["power": 2500][$0] ?? map.constants[$0] } == 25)
        #expect(map.control.refresh == Refresh(interval: .seconds(25)))
        #expect(map.fallback?.after == .seconds(60))
        #expect(map.simulation?.limit != nil)
    }
}
