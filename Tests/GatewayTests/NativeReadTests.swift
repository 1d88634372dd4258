import Control
import Gateway
import GatewayState
import Modbus
import Testing
import Upstreams
import Vocabulary

/// Reads of the native map over a real socket, rendered from a hand-made snapshot.
@Suite struct NativeReadTests {
    @Test func headerIdentifiesTheMapAndTheSite() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("header.magic") == .uint(UInt64(NativeRegisterMap.magic)))
            #expect(try client.native("header.version") == .uint(UInt64(NativeRegisterMap.version)))
            #expect(try client.native("header.deviceCount") == .uint(5))
            #expect(try client.native("header.siteName") == .string("Test site"))
            let base = try client.native("header.deviceBase").doubleValue!
            let stride = try client.native("header.deviceStride").doubleValue!
            #expect(NativeFixture.map.register(named: "ess2.kind")?.address == Int(base + stride))
        }
    }

    @Test func siteTelemetryReadsTheSnapshotsAggregates() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            // (60 % × 10 kWh + 40 % × 5 kWh) / 15 kWh
            let soc = try #require(try client.native("site.ess.soc").doubleValue)
            #expect(abs(soc - 800.0 / 15.0) < 1e-4)
            #expect(try client.native("site.ess.activePower") == .int(-3000))
            #expect(try client.native("site.ess.allowedChargePower") == .int(-9500))
            #expect(try client.native("site.ess.allowedDischargePower") == .int(8000))
            #expect(try client.native("site.ess.capacity") == .uint(15_000))
            #expect(try client.native("site.grid.activePower") == .int(2500))
            #expect(try client.native("site.evcs.activePower") == .int(6900))
            #expect(try client.native("site.devices.online") == .uint(4))
            #expect(try client.native("site.devices.total") == .uint(5))
        }
    }

    @Test func clusterStatusShowsModeSourceTimeLeftAndAvailableModes() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("site.ess.activeMode") == .uint(UInt64(EssModeKind.setPower.code)))
            #expect(try client.native("site.ess.activeModePower") == .int(-3000))
            #expect(try client.native("site.ess.remaining") == .uint(42))  // 41.2 s, rounded up
            #expect(try client.native("site.ess.availableModes") == .uint(UInt64(ModeKind.allEss.bitmask)))
            #expect(try client.native("site.ess.availableModes") == .uint(0x7FF))
            #expect(try client.native("site.ess.source") == .uint(3))  // OTHER
            #expect(try client.native("site.ess.sourceName") == .string("cloud"))
            #expect(try client.native("site.ess.setpoint") == .int(-3000))

            #expect(try client.native("site.evcs.activeMode") == .uint(UInt64(ChargepointModeKind.surplus.code)))
            #expect(try client.native("site.evcs.remaining") == .uint(0xFFFF_FFFF))  // a fallback does not end
            #expect(try client.native("site.evcs.source") == .uint(1))  // FALLBACK
            #expect(try client.native("site.evcs.sourceName") == .string("fallback"))
            #expect(try client.native("site.evcs.availableModes") == .uint(0b11_1111))  // ZERO … CHARGE_ENERGY
        }
    }

    @Test func deviceBlocksReadEachDevicesTelemetryAndOrders() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("ess1.kind") == .uint(1))
            #expect(try client.native("ess1.id") == .string("ess1"))
            #expect(try client.native("ess1.manufacturer") == .string("Victron"))
            #expect(try client.native("ess1.online") == .uint(1))
            #expect(try client.native("ess1.age") == .uint(350))
            #expect(try client.native("ess1.activePower") == .int(-1600))
            #expect(try client.native("ess1.soc") == .float(60))
            #expect(try client.native("ess2.soc") == .float(40))
            #expect(try client.native("ess1.capacity") == .uint(10_000))
            #expect(try client.native("ess1.setpoint") == .int(-1600))
            // ess1 has no command of its own: its cluster's shows.
            #expect(try client.native("ess1.activeMode") == .uint(UInt64(EssModeKind.setPower.code)))
            #expect(try client.native("ess1.availableModes") == .uint(0b1000_0001))

            #expect(try client.native("evse1.activePower") == .int(6900))
            #expect(try client.native("evse1.activeMode") == .uint(UInt64(ChargepointModeKind.limit.code)))
            #expect(try client.native("evse1.activeModeCurrent") == .uint(10))
            #expect(try client.native("evse1.source") == .uint(2))  // THIS_MASTER
            #expect(try client.native("evse1.setpointCurrent") == .float(10))
            #expect(try client.native("grid.activePower") == .int(2500))
        }
    }

    @Test func offlineDeviceReadsSentinelsNotStaleValues() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("evse2.online") == .uint(0))
            #expect(try client.native("evse2.activePower") == .int(Int64(Int32.min)))
            #expect(try client.native("evse2.plugged") == .uint(0xFFFF))
        }
    }

    @Test func withoutDecisionOrMeterTheValuesReadAsSentinels() throws {
        var snapshot = NativeFixture.snapshot
        snapshot.decision = nil
        snapshot.gridPower = nil
        snapshot.devices = snapshot.devices.map { device in
            var device = device
            device.values["soc"] = nil
            return device
        }
        try NativeFixture.withServer(snapshot: snapshot) { server, _ in
            let client = try NativeFixture.client(server)
            let soc = try client.native("site.ess.soc").doubleValue
            #expect(soc?.isNaN == true)
            #expect(try client.native("site.grid.activePower") == .int(Int64(Int32.min)))
            #expect(try client.native("site.ess.allowedChargePower") == .int(Int64(Int32.min)))
            #expect(try client.native("site.ess.activeMode") == .uint(0xFFFF))
            #expect(try client.native("site.ess.remaining") == .uint(0xFFFF_FFFF))
            #expect(try client.native("site.ess.sourceName") == .string(""))
            #expect(try client.native("ess1.setpoint") == .int(Int64(Int32.min)))
        }
    }

    @Test func inputRegistersServeTheSameTableAsHoldingRegisters() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            let end = NativeFixture.map.end
            let holding = try client.read(.holding, unit: 1, address: 0, count: 120)
            let input = try client.read(.input, unit: 1, address: 0, count: 120)
            #expect(holding == input)
            #expect(
                try client.read(.holding, unit: 1, address: end - 100, count: 100)
                    == client.read(.input, unit: 1, address: end - 100, count: 100))
        }
    }

    @Test func reservedAddressesInsideTheTableReadAsZero() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            let gap = try #require(NativeFixture.map.reserved.first)
            #expect(
                try client.read(.holding, unit: 1, address: gap.lowerBound, count: gap.count)
                    == Array(repeating: 0, count: gap.count))
            // One read across header, gap and telemetry.
            let words = try client.read(.holding, unit: 1, address: 0, count: 104)
            #expect(words[0] == NativeRegisterMap.magic)
            #expect(words[gap.lowerBound] == 0)
        }
    }

    @Test func readsPastTheTableOrOfAnotherUnitAreRefused() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            let end = NativeFixture.map.end
            let past = #expect(throws: ModbusError.self) {
                try client.read(.holding, unit: 1, address: end - 1, count: 2)
            }
            #expect(past?.exceptionCode == .illegalDataAddress)
            let otherUnit = #expect(throws: ModbusError.self) {
                try client.read(.holding, unit: 2, address: 0, count: 1)
            }
            #expect(otherUnit?.exceptionCode == .gatewayPathUnavailable)
            let coils = #expect(throws: ModbusError.self) { try client.readBits(.coil, unit: 1, address: 0, count: 1) }
            #expect(coils?.exceptionCode == .illegalFunction)
        }
    }
}
