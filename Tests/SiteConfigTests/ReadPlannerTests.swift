import Modbus
import SiteConfig
import Testing
import Vocabulary

struct ReadPlannerTests {
    static func map(maxGap: Int = 0, blocks: [ReadBlock] = [], barriers: [ReadBlock] = [], points: [Point]) -> DeviceMap
    {
        DeviceMap(kind: .meter, name: "test", maxGap: maxGap, blocks: blocks, barriers: barriers, points: points)
    }

    static func point(_ name: String, _ address: Int, _ type: ValueType = .uint16, table: RegisterTable = .holding)
        -> Point
    {
        Point(name: name, table: table, address: address, valueType: type)
    }

    @Test func pointsOnAnotherUnitAreReadSeparatelyAfterTheDevicesOwn() {
        var other = Self.point("setpoint", 11)
        other.unitID = 227
        let plan = ReadPlanner.plan(
            map: Self.map(points: [Self.point("a", 10), other, Self.point("b", 12), Self.point("c", 13)]))
        #expect(
            plan == [
                PlannedRead(table: .holding, address: 10, count: 1, points: ["a"]),
                PlannedRead(table: .holding, address: 12, count: 2, points: ["b", "c"]),
                PlannedRead(table: .holding, address: 11, count: 1, points: ["setpoint"], unit: 227),
            ])
        #expect(plan.map { $0.unit(device: 100) } == [100, 100, 227])
        #expect(plan[2].description == "FC3 11+1 unit 227: setpoint")
    }

    @Test func adjacentPointsShareOneRead() {
        let plan = ReadPlanner.plan(
            map: Self.map(points: [Self.point("a", 10), Self.point("b", 11, .int32), Self.point("c", 20)]))
        #expect(
            plan == [
                PlannedRead(table: .holding, address: 10, count: 3, points: ["a", "b"]),
                PlannedRead(table: .holding, address: 20, count: 1, points: ["c"]),
            ])
    }

    @Test func maxGapBridgesUnusedRegisters() {
        let points = [Self.point("a", 10), Self.point("b", 15), Self.point("c", 21)]
        #expect(
            ReadPlanner.plan(map: Self.map(maxGap: 4, points: points)) == [
                PlannedRead(table: .holding, address: 10, count: 6, points: ["a", "b"]),
                PlannedRead(table: .holding, address: 21, count: 1, points: ["c"]),
            ])
        #expect(ReadPlanner.plan(map: Self.map(maxGap: 5, points: points)).count == 1)
    }

    @Test func aReadNeverExceeds125Registers() {
        let points = (0..<70).map { Self.point("p\($0)", $0 * 2, .uint32) }
        let plan = ReadPlanner.plan(map: Self.map(points: points))
        #expect(plan.map(\.address) == [0, 124])
        #expect(plan.map(\.count) == [124, 16])
        #expect(plan.flatMap(\.points).count == 70)
    }

    @Test func coilsAreReadUpTo2000AtATime() {
        let points = (0..<2100).map { Self.point("c\($0)", $0, .bool, table: .coil) }
        let plan = ReadPlanner.plan(map: Self.map(points: points))
        #expect(plan.map { [$0.address, $0.count] } == [[0, 2000], [2000, 100]])
        #expect(plan.allSatisfy { $0.functionCode == .readCoils })
    }

    @Test func aBarrierSplitsAReadThatWouldSpanIt() {
        let points = [Self.point("a", 98), Self.point("b", 99), Self.point("c", 100), Self.point("d", 101)]
        let plan = ReadPlanner.plan(
            map: Self.map(barriers: [ReadBlock(table: .holding, address: 100, count: 1)], points: points))
        #expect(
            plan == [
                PlannedRead(table: .holding, address: 98, count: 2, points: ["a", "b"]),
                PlannedRead(table: .holding, address: 100, count: 2, points: ["c", "d"]),
            ])
    }

    @Test func declaredBlocksAreReadAsDeclared() {
        let points = [Self.point("a", 302), Self.point("b", 350), Self.point("c", 500)]
        let plan = ReadPlanner.plan(
            map: Self.map(blocks: [ReadBlock(table: .holding, address: 300, count: 80)], points: points))
        #expect(
            plan == [
                PlannedRead(table: .holding, address: 300, count: 80, points: ["a", "b"]),
                PlannedRead(table: .holding, address: 500, count: 1, points: ["c"]),
            ])
    }

    @Test func tablesAreNeverMixedAndWriteOnlyPointsAreNotRead() {
        var setpoint = Self.point("setpoint", 12)
        setpoint.access = .write
        let points = [
            Self.point("h", 10), Self.point("i", 11, table: .input), setpoint,
            Self.point("d", 0, .bool, table: .discrete),
        ]
        #expect(
            ReadPlanner.plan(map: Self.map(points: points)) == [
                PlannedRead(table: .holding, address: 10, count: 1, points: ["h"]),
                PlannedRead(table: .input, address: 11, count: 1, points: ["i"]),
                PlannedRead(table: .discrete, address: 0, count: 1, points: ["d"]),
            ])
    }

    @Test func overlayPointsRideAlongTheirRegisters() {
        var bits = Self.point("bits", 200)
        bits.overlay = true
        let plan = ReadPlanner.plan(map: Self.map(points: [Self.point("word", 200), bits, Self.point("next", 201)]))
        #expect(plan == [PlannedRead(table: .holding, address: 200, count: 2, points: ["bits", "word", "next"])])
    }

    @Test func alfenNeedsFiveReadsForSixteenPoints() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/alfen-ng9xx.yaml")).get()
        #expect(
            ReadPlanner.plan(map: map).map(\.description) == [
                "FC3 306+6: voltage_l1, voltage_l2, voltage_l3",
                "FC3 320+6: current_l1, current_l2, current_l3",
                "FC3 344+2: active_power",
                "FC3 374+4: energy",
                "FC3 1201+15: status, status_code, applied_current_limit, validity_remaining, current_limit, safe_current, setpoint_accepted, phases",
            ])
    }

    @Test func victronNeedsFiveReadsOnTwoUnitsForFifteenPoints() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/victron-gx-ess.yaml")).get()
        #expect(
            ReadPlanner.plan(map: map).map(\.description) == [
                "FC3 840+5: battery_voltage, battery_current, active_power, soc, state",
                "FC3 2704+2: max_discharge_limit, max_charge_current",
                "FC3 2716+2: grid_setpoint",
                "FC3 2901+2: min_soc, ess_mode",
                "FC3 37+5 unit 227: setpoint_l1, disable_charge, disable_feed_in, setpoint_l2, setpoint_l3",
            ])
    }

    @Test func smaWriteOnlySetpointsAreNeverPolled() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/sma-sunny-boy-storage.yaml")).get()
        #expect(
            ReadPlanner.plan(map: map).map(\.description) == [
                "FC3 30775+2: active_power",
                "FC3 30845+2: soc",
                "FC3 31393+4: charge_power, discharge_power",
            ])
    }
}
