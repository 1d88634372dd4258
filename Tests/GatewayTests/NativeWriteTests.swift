import Control
import Gateway
import GatewayState
import Modbus
import Testing
import Upstreams
import Vocabulary

/// Writes to the native map over a real socket: what reaches the command sink, and what is
/// refused whole.
@Suite struct NativeWriteTests {
    @Test func oneWriteSetsModePowerAndDurationAsOneCommand() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative(
                "site.ess.mode", [.uint(UInt64(EssModeKind.setPower.code)), .int(-5000), .uint(600)])
        }
        let expected = Command(
            source: NativeFixture.source, target: .essCluster, mode: .ess(.setPower(-5000)), issuedAt: sink.instant,
            end: .after(.seconds(600)))
        #expect(sink.commands == [expected])
    }

    @Test func chargeToSocTakesItsSocInThePowerRegisterAndItsEndFromTheDuration() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative(
                "site.ess.mode", [.uint(UInt64(EssModeKind.chargeToSoc.code)), .int(90), .uint(7200)])
        }
        #expect(sink.commands.map(\.mode) == [.ess(.chargeToSoc(soc: 90, asap: false))])
        #expect(sink.commands.first?.end == .after(.seconds(7200)))
        // Past 100 % it is refused whole.
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [10, 0, 120, 0, 7200])
    }

    @Test func chargeEnergyTakesItsKilowattHoursInTheCurrentRegisterAndItsEndFromTheDuration() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative(
                "evse2.mode", [.uint(UInt64(ChargepointModeKind.chargeEnergy.code)), .uint(12), .uint(3600)])
        }
        #expect(sink.commands.map(\.mode) == [.chargepoint(.chargeEnergy(energy: 12, asap: false))])
        #expect(sink.commands.first?.target == .device("evse2"))
        #expect(sink.commands.first?.end == .after(.seconds(3600)))
        // Past 1000 kWh it is refused whole.
        try expectRefused(.illegalDataValue, address: Self.at("evse2.mode"), [5, 2000, 0, 3600])
    }

    @Test func durationZeroLastsWhileTheWatchdogIsRefreshed() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative(
                "site.ess.mode", [.uint(UInt64(EssModeKind.limitCharge.code)), .int(2000), .uint(0)])
        }
        #expect(sink.commands.map(\.mode) == [.ess(.limitCharge(maxChargePower: 2000))])
        #expect(sink.commands.first?.end == nil)
    }

    @Test func aParameterWrittenAloneWaitsForTheNextModeWrite() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative("site.ess.power", [.int(3000)])
            #expect(sink.commands.isEmpty)
            #expect(sink.events == [.refresh(NativeFixture.source)])
            #expect(try client.native("site.ess.power") == .int(3000))
            let mode = try #require(NativeFixture.map.register(named: "site.ess.mode"))
            try client.writeSingleRegister(unit: 1, address: mode.address, value: EssModeKind.forceDischarge.code)
            #expect(try client.native("site.ess.mode") == .uint(UInt64(EssModeKind.forceDischarge.code)))
        }
        #expect(sink.commands.map(\.mode) == [.ess(.forceDischarge(power: 3000))])
    }

    @Test func deviceAndChargepointBlocksTargetTheirDeviceOrCluster() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative("ess2.mode", [.uint(UInt64(EssModeKind.noDischarge.code)), .int(0), .uint(60)])
            try client.writeNative(
                "site.evcs.mode", [.uint(UInt64(ChargepointModeKind.limit.code)), .uint(16), .uint(0)])
            try client.writeNative("evse2.mode", [.uint(UInt64(ChargepointModeKind.zero.code))])
        }
        #expect(sink.commands.map(\.target) == [.device("ess2"), .chargepointCluster, .device("evse2")])
        #expect(
            sink.commands.map(\.mode) == [.ess(.noDischarge), .chargepoint(.limit(current: 16)), .chargepoint(.zero)])
    }

    @Test func autoIsACommandAndReleaseHandsTheTargetBack() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative("site.ess.mode", [.uint(UInt64(EssModeKind.auto.code))])
            try client.writeNative("evse1.mode", [.uint(255)])
        }
        #expect(sink.commands.map(\.mode) == [.ess(.auto)])
        #expect(sink.events.contains(.release(NativeFixture.source, .device("evse1"))))
    }

    @Test func heartbeatRefreshesTheWatchdogAndReadsBack() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            try client.writeNative("site.heartbeat", [.uint(7)])
            #expect(try client.native("site.heartbeat") == .uint(7))
        }
        #expect(sink.events == [.refresh(NativeFixture.source)])
    }

    // MARK: - Refused writes

    /// Writes `words` at `address` and expects `code`, with nothing reaching the sink and the
    /// staged registers unchanged.
    private func expectRefused(
        _ code: ExceptionCode, address: (NativeRegisterMap) -> Int, _ words: [UInt16], single: Bool = false,
        sink: RecordingSink = RecordingSink(), sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            let before = try client.read(.holding, unit: 1, address: 200, count: 21)
            let error = #expect(throws: ModbusError.self, sourceLocation: sourceLocation) {
                if single {
                    try client.writeSingleRegister(unit: 1, address: address(NativeFixture.map), value: words[0])
                } else {
                    try client.writeMultipleRegisters(unit: 1, address: address(NativeFixture.map), values: words)
                }
            }
            #expect(error?.exceptionCode == code, sourceLocation: sourceLocation)
            #expect(
                try client.read(.holding, unit: 1, address: 200, count: 21) == before, sourceLocation: sourceLocation)
        }
        #expect(sink.events.isEmpty, sourceLocation: sourceLocation)
    }

    private static func at(_ name: String, offset: Int = 0) -> (NativeRegisterMap) -> Int {
        { map in map.register(named: name)!.address + offset }
    }

    @Test func writeToReadOnlyPointIsRefusedWithIllegalAddress() throws {
        try expectRefused(.illegalDataAddress, address: Self.at("site.ess.soc"), [0, 0])
        try expectRefused(.illegalDataAddress, address: Self.at("site.ess.activeMode"), [1], single: true)
        // A valid mode write that runs on past its block is refused whole.
        try expectRefused(.illegalDataAddress, address: Self.at("ess1.mode"), [7, 0, 100, 0, 0, 1])
    }

    @Test func writeToReservedOrPastTheEndIsRefusedWithIllegalAddress() throws {
        let map = NativeFixture.map
        try expectRefused(.illegalDataAddress, address: { _ in map.reserved[0].lowerBound }, [1], single: true)
        // ESS control block plus the reserved addresses after it.
        try expectRefused(.illegalDataAddress, address: Self.at("site.ess.mode"), [7, 0, 100, 0, 0, 0, 0])
        try expectRefused(.illegalDataAddress, address: { $0.end }, [1], single: true)
    }

    @Test func unknownModeIsRefusedWithIllegalValue() throws {
        let unknownEss = UInt16(EssModeKind.allCases.count)
        let unknownChargepoint = UInt16(ChargepointModeKind.allCases.count)
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [unknownEss, 0, 0, 0, 0])
        try expectRefused(.illegalDataValue, address: Self.at("site.evcs.mode"), [unknownChargepoint], single: true)
    }

    @Test func powerOutsideItsRangeIsRefusedWithIllegalValue() throws {
        // 2 000 000 000 W: beyond the documented ±1 GW.
        let tooMuch = try RegisterCodec(valueType: .int32).encode(.int(2_000_000_000))
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [7] + tooMuch + [0, 0])
        // LIMIT_CHARGE takes a magnitude: -2000 W is outside its range.
        let negative = try RegisterCodec(valueType: .int32).encode(.int(-2000))
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [2] + negative + [0, 0])
        try expectRefused(.illegalDataValue, address: Self.at("site.evcs.current"), [10_001], single: true)
    }

    @Test func halfOfA32BitValueIsRefusedWithIllegalValue() throws {
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.power"), [0xFFFF], single: true)
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.power", offset: 1), [0x1000, 0, 60])
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [7, 0xFFFF, 0xEC78, 0])
    }

    @Test func coreRejectionIsRefusedAndChangesNothing() throws {
        let unknownSource = RecordingSink { _ in .failure(.unknownSource("ems")) }
        try expectRefused(
            .serverDeviceFailure, address: Self.at("site.ess.mode"), [1], single: true, sink: unknownSource)
        let outOfRange = RecordingSink { command in
            .failure(.parameterOutOfRange(mode: "SET_POWER", parameter: "power", value: 0, range: 0...0))
        }
        try expectRefused(.illegalDataValue, address: Self.at("site.ess.mode"), [7, 0, 100, 0, 0], sink: outOfRange)
    }

    @Test func coilWritesAreRefusedWithIllegalFunction() throws {
        let sink = RecordingSink()
        try NativeFixture.withServer(sink: sink) { server, _ in
            let client = try NativeFixture.client(server)
            let error = #expect(throws: ModbusError.self) {
                try client.writeSingleCoil(unit: 1, address: 200, value: true)
            }
            #expect(error?.exceptionCode == .illegalFunction)
        }
        #expect(sink.events.isEmpty)
    }
}
