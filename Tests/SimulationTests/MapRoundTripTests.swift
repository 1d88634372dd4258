import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Every shipped map the demo uses, and the PV maps, is served by its simulator as the map says: each readable
/// point decodes, each writable point takes a value and reads it back, and anything else is
/// refused as a real device refuses it.
struct MapRoundTripTests {
    static let maps = [
        "victron-gx-ess.yaml", "sma-sunny-boy-storage.yaml", "alfen-ng9xx.yaml", "generic-grid-meter.yaml",
        "webasto-next.yaml", "fronius-symo.yaml", "sma-sunny-tripower.yaml", "sunspec-inverter-103.yaml",
    ]

    /// A value the point's registers hold exactly, away from its "not available" sentinels.
    static func sample(for point: Point) -> Double {
        if point.table.isBits || point.valueType == .bool { return 1 }
        if let named = point.values.keys.sorted().last { return Double(named) * point.scale + point.offset }
        // A whole raw value for scales above 1 (3 × 10), a whole engineering value below (3 at 0.1).
        return (point.scale.magnitude >= 1 ? 3 * point.scale : 3) + point.offset
    }

    @Test(arguments: maps)
    func everyReadablePointDecodesAndPlannedReadsSucceed(file: String) throws {
        let (simulation, map) = try Fixture.single(file)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        for read in ReadPlanner.plan(map: map) {
            let unit = UInt8(read.unit(device: master.unit))
            if read.table.isBits {
                #expect(
                    try master.client.readBits(read.table, unit: unit, address: read.address, count: read.count).count
                        == read.count)
            } else {
                #expect(
                    try master.client.read(read.table, unit: unit, address: read.address, count: read.count).count
                        == read.count)
            }
        }
        for point in map.points where point.access.isReadable {
            if point.valueType == .string(registers: point.count) {
                _ = try master.text(point.name)
            } else {
                #expect(try master.read(point.name).isFinite, "\(map.name): \(point.name)")
            }
        }
    }

    @Test(arguments: maps)
    func everyWritablePointIsWrittenAndReadBack(file: String) throws {
        let (simulation, map) = try Fixture.single(file)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        for point in map.points where point.access.isWritable {
            let value = Self.sample(for: point)
            try master.write(point.name, value)
            if point.access.isReadable {
                #expect(try master.read(point.name) == value, "\(map.name): \(point.name)")
            } else {
                // Write-only set-points read as "not available" (SMA), yet the device holds them.
                #expect(try point.isNotAvailable(point.codec.decode(master.words(point))), "\(map.name): \(point.name)")
                #expect(simulation.value(of: point.name, in: "dut") == value)
            }
        }
    }

    @Test(arguments: maps)
    func undefinedAddressesAndReadOnlyPointsAreRefusedLikeARealDevice(file: String) throws {
        let (simulation, map) = try Fixture.single(file)
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        let used = Set(map.points.filter { $0.table == .holding && $0.unitID == nil }.flatMap { Array($0.range) })
        let hole = try #require((0..<65535).first { !used.contains($0) })
        let unit = UInt8(master.unit)
        let read = #expect(throws: ModbusError.self) {
            try master.client.read(.holding, unit: unit, address: hole, count: 1)
        }
        #expect(read?.exceptionCode == .illegalDataAddress)
        if let readOnly = map.points.first(where: { $0.table == .holding && !$0.access.isWritable && $0.unitID == nil })
        {
            let write = #expect(throws: ModbusError.self) {
                try master.client.writeMultipleRegisters(
                    unit: unit, address: readOnly.address, values: Array(repeating: 0, count: readOnly.count))
            }
            #expect(write?.exceptionCode == .illegalDataAddress)
        }
        let other = #expect(throws: ModbusError.self) {
            try master.client.read(.holding, unit: 99, address: 0, count: 1)
        }
        #expect(other?.exceptionCode == .gatewayPathUnavailable)
    }

    @Test func halfOfAFloatSetPointIsRefusedWhole() throws {
        let (simulation, map) = try Fixture.single("alfen-ng9xx.yaml")
        defer { simulation.stop() }
        let master = try Master(simulation, device: "dut", map: map)
        let limit = try master.point("current_limit")
        let error = #expect(throws: ModbusError.self) {
            try master.client.writeSingleRegister(unit: 1, address: limit.address, value: 0x4180)
        }
        #expect(error?.exceptionCode == .illegalDataValue)
        #expect(try master.read("current_limit") == 6)
    }

    @Test func theVictronServesItsVeBusSetPointsOnASecondUnit() throws {
        let (simulation, map) = try Fixture.single("victron-gx-ess.yaml")
        defer { simulation.stop() }
        #expect(simulation.served.first?.units == [100, 227])
        let master = try Master(simulation, device: "dut", map: map)
        try master.write("setpoint_l1", 1000)
        // Victron counts power taken from the grid as positive: busbar's +1000 W discharge is -1000.
        #expect(try master.client.read(.holding, unit: 227, address: 37, count: 1) == [UInt16(bitPattern: -1000)])
        let error = #expect(throws: ModbusError.self) {
            try master.client.read(.holding, unit: 100, address: 37, count: 1)
        }
        #expect(error?.exceptionCode == .illegalDataAddress)
    }
}
