import Control
import Foundation
import Gateway
import GatewayState
import Modbus
import SiteConfig
import Synchronization
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// The OpenEMS-compatible table as a master reads it over a real socket.
@Suite struct OpenEMSTableTests {
    let sink = OpenEMSRecordingSink()

    @Test func headerHoldsTheOpenEMSHashTheMetaLengthAndTheMetaBlock() throws {
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            #expect(try client.read(.holding, unit: 1, address: 0, count: 5) == [0x6201, 199, 2026, 5, 0])
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 5, count: 16)) == "busbar")
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 69, count: 16)) == "Test site")
            let time = try client.read(.holding, unit: 1, address: 101, count: 4).reduce(UInt64(0)) {
                $0 << 16 | UInt64($1)
            }
            #expect(time > 1_700_000_000)
            #expect(try client.read(.holding, unit: 1, address: 105, count: 95).allSatisfy { $0 == 0xFFFF })
        }
    }

    @Test func natureHashesAreJavaStringHashesCutTo16Bits() {
        let expected: [String: UInt16] = [
            "OpenEMS": 0x6201, "OpenemsComponent": 0xB3DC, "SymmetricEss": 0x42EE, "AsymmetricEss": 0x958F,
            "ManagedSymmetricEss": 0xA3ED, "ManagedAsymmetricEss": 0x5470, "StartStoppable": 0x7CE6, "Sum": 0x462B,
            "ElectricityMeter": 0xEBB8, "Evcs": 0x2501, "ManagedEvcs": 0xF500,
        ]
        for (name, hash) in expected { #expect(OpenEMSNature.hash(name) == hash, "\(name)") }
    }

    @Test func blocksChainFromComponentIdsThroughLengthsAndNatureHashes() throws {
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        #expect(table.componentStarts.map(\.id) == ["_sum", "ess0", "meter0", "evcs0"])
        #expect(table.componentStarts.map(\.address) == [200, 500, 780, 1060])
        #expect(table.end == 1060 + 20 + 480)
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            func word(_ address: Int) throws -> UInt16 {
                try client.read(.holding, unit: 1, address: address, count: 1)[0]
            }
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 200, count: 16)) == "_sum")
            #expect(try word(216) == 300)
            #expect(try [word(220), word(221), word(300), word(301)] == [0xB3DC, 80, 0x462B, 220])
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 500, count: 16)) == "ess0")
            #expect(try word(516) == 280)
            #expect(
                try [word(520), word(521), word(600), word(601), word(700), word(701)] == [
                    0xB3DC, 80, 0x42EE, 100, 0xA3ED, 100,
                ])
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 780, count: 16)) == "meter0")
            #expect(try [word(800), word(880), word(881)] == [0xB3DC, 0xEBB8, 200])
            #expect(OpenEMSFixture.text(try client.read(.holding, unit: 1, address: 1060, count: 16)) == "evcs0")
            #expect(try [word(1076), word(1360), word(1460)] == [480, 0x2501, 0xF500])
        }
    }

    @Test func sumAndEssChannelsSitWhereEvccAndEdge2EdgeLookForThem() {
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        let expected: [(OpenEMSChannel, String, Int)] = [
            (.essSoc, "_sum", 302), (.essActivePower, "_sum", 303), (.gridActivePower, "_sum", 315),
            (.productionActivePower, "_sum", 327), (.consumptionActivePower, "_sum", 343),
            (.gridBuyActiveEnergy, "_sum", 359), (.productionActiveEnergy, "_sum", 367),
            (.essDischargePower, "_sum", 415), (.gridMode, "_sum", 417), (.essCapacity, "_sum", 420),
            (.soc, "ess0", 602), (.activePower, "ess0", 604), (.capacity, "ess0", 616),
            (.maxApparentPower, "ess0", 618),
            (.allowedChargePower, "ess0", 702), (.allowedDischargePower, "ess0", 704),
            (.setActivePowerEquals, "ess0", 706), (.setReactivePowerEquals, "ess0", 708),
            (.setActivePowerLessOrEquals, "ess0", 710), (.setActivePowerGreaterOrEquals, "ess0", 714),
            (.activePower, "meter0", 888), (.setChargePowerLimit, "evcs0", 1462),
        ]
        for (channel, component, address) in expected {
            #expect(table.address(of: channel, in: component) == address, "\(component)/\(channel.rawValue)")
        }
    }

    @Test func valuesArePublishedAsBigEndianFloatsWithNaNForUnknown() throws {
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            func float(_ address: Int) throws -> Float {
                OpenEMSFixture.float(try client.read(.holding, unit: 1, address: address, count: 2))
            }
            #expect(try client.read(.holding, unit: 1, address: 302, count: 1) == [50])
            #expect(try float(303) == 1500)
            #expect(try float(315) == 2500)
            #expect(try float(327).isNaN)
            #expect(try float(343) == 4000)
            #expect(try float(415) == 1500)
            #expect(try float(420) == 20_000)
            #expect(try float(604) == 1500)
            #expect(try float(618) == 11_000)
            #expect(try float(702) == -11_000)
            #expect(try float(704) == 11_000)
            #expect(try float(706).isNaN)
            #expect(try float(888) == 2500)
            #expect(try client.read(.holding, unit: 1, address: 1362, count: 1) == [3])  // evcs0 Status: charging
            #expect(try client.read(.holding, unit: 1, address: 1462, count: 1) == [6900])  // 10 A × 230 V × 3
        }
    }

    @Test func fc3AndFc4ReadTheSameTable() throws {
        let profile = OpenEMSFixture.profile(sink: sink)
        try OpenEMSFixture.withServer(profile) { server in
            let client = try OpenEMSFixture.client(server)
            let range = 200..<profile.table.end
            let holding = try client.readTable(.holding, range, layout: profile.table)
            let input = try client.readTable(.input, range, layout: profile.table)
            #expect(holding.count == range.count)
            #expect(holding == input)
        }
    }

    @Test func aReadOf126RegistersSpansPaddingHashAndLengthWords() throws {
        let profile = OpenEMSFixture.profile(sink: sink)
        guard case .registers(let words) = profile.handle(.readHoldingRegisters(address: 580, count: 126), unit: 1)
        else {
            Issue.record("a 126-register read was refused")
            return
        }
        #expect(words[0..<20].allSatisfy { $0 == 0xFFFF })  // the end of OpenemsComponent's padding
        #expect(Array(words[20...22]) == [0x42EE, 100, 50])  // SymmetricEss hash, length, Soc
        #expect(OpenEMSFixture.float(Array(words[24...25])) == 1500)
        // Over a socket too: the server frames answers beyond libmodbus's 260-byte ADU itself.
        try OpenEMSFixture.withServer(profile) { server in
            let connection = try RawConnection(port: server.port)
            connection.send(RawConnection.frame(pdu: [0x03, 0x02, 0x44, 0x00, 126]))
            let reply = connection.receive() ?? []
            #expect(reply.count == 9 + 252)
        }
    }

    @Test func gapsAndCutRecordsReadAsUndefinedAndLongReadsAreRefusedAsByOpenEMS() throws {
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        let power = try #require(table.address(of: .essActivePower, in: "_sum"))
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            // j2mod's MyProcessImage fills what no whole record covers with 0xFFFF.
            #expect(try client.read(.holding, unit: 1, address: 150, count: 1) == [0xFFFF])
            #expect(try client.read(.holding, unit: 1, address: 150, count: 2) == [0xFFFF, 0xFFFF])
            #expect(try client.read(.holding, unit: 1, address: power, count: 1) == [0xFFFF])
            let whole = try client.read(.holding, unit: 1, address: power, count: 2)
            #expect(OpenEMSFixture.float(whole) == 1500)
            #expect(try client.read(.holding, unit: 1, address: power + 1, count: 2) == [0xFFFF, 0xFFFF])
            // libmodbus's client stops at 125, so the 127-register read goes out as a raw frame.
            let connection = try RawConnection(port: server.port)
            connection.send(RawConnection.frame(pdu: [0x03, 0x00, 0xC8, 0x00, 127]))
            #expect((connection.receive() ?? []).suffix(2) == [0x83, 0x02])
            #expect(
                OpenEMSFixture.exception { _ = try client.read(.holding, unit: 2, address: 0, count: 1) }
                    == .illegalDataAddress)
        }
    }

    @Test func evcsChargingTypeIsACAndConsumptionIsSummedPerPhase() throws {
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        let profile = OpenEMSFixture.profile(sink: sink)
        func read(_ channel: OpenEMSChannel, _ component: String) throws -> [UInt16] {
            let address = try #require(table.address(of: channel, in: component))
            let count = try #require(table.entry(at: address)).count
            guard
                case .registers(let words) = profile.handle(
                    .readHoldingRegisters(address: address, count: count), unit: 1)
            else { throw OpenEMSTestFailure.noRegisters }
            return words
        }
        #expect(try read(.chargingType, "evcs0") == [2])
        // The fixture: batteries 1500 W in all (500 W a phase), grid L1 800 W, no PV devices.
        #expect(OpenEMSFixture.float(try read(.consumptionActivePowerL1, "_sum")) == 1300)
        #expect(OpenEMSFixture.float(try read(.consumptionActivePowerL2, "_sum")) == 1400)
    }

    @Test func displayTextReadsNulWordsAndUnreadMeterFloatsReadNaN() throws {
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            let text = try #require(table.address(of: .setDisplayText, in: "evcs0"))
            #expect(text == 1463)
            #expect(try client.read(.holding, unit: 1, address: text, count: 16) == Array(repeating: 0, count: 16))
            // ElectricityMeter's per-phase voltages and energies: FLOAT32 channels without a value.
            for (channel, component) in [
                (OpenEMSChannel.voltageL1, "meter0"), (.currentL3, "meter0"), (.activeConsumptionEnergyL3, "evcs0"),
            ] {
                let address = try #require(table.address(of: channel, in: component))
                #expect(try client.read(.holding, unit: 1, address: address, count: 2) == [0x7FC0, 0x0000])
            }
            #expect(table.address(of: .voltageL1, in: "meter0") == 994)
            // Its reserved words stay UINT32 reserved records: all ones.
            #expect(try client.read(.holding, unit: 1, address: 900, count: 2) == [0xFFFF, 0xFFFF])
        }
    }

    private enum OpenEMSTestFailure: Error { case noRegisters }

    @Test func answersBusyUntilTheGatewayHasASnapshot() throws {
        let ready = Mutex(false)
        let profile = OpenEMSFixture.profile(sink: sink) { ready.withLock { $0 } ? OpenEMSFixture.snapshot() : nil }
        try OpenEMSFixture.withServer(profile) { server in
            let client = try OpenEMSFixture.client(server)
            #expect(
                OpenEMSFixture.exception { _ = try client.read(.holding, unit: 1, address: 0, count: 1) }
                    == .serverDeviceBusy)
            #expect(
                OpenEMSFixture.exception {
                    try client.writeMultipleRegisters(
                        unit: 1, address: 706, values: OpenEMSFixture.words(-1000) + [0, 0])
                } == .serverDeviceBusy)
            ready.withLock { $0 = true }
            #expect(try client.read(.holding, unit: 1, address: 0, count: 1) == [0x6201])
            #expect(sink.commands.isEmpty)
        }
    }
}

/// The layout the runtime builds from a site file.
@Suite struct OpenEMSLayoutTests {
    @Test func demoSiteShowsItsGridMeterAndBothChargepoints() throws {
        let path = Paths.root.appendingPathComponent("sites/demo.yaml").path
        let loaded = try SiteLoader.load(path: path).get()
        let layout = OpenEMSProfile.layout(for: loaded.site, maps: loaded.maps)
        #expect(layout.components.map(\.id) == ["_sum", "ess0", "meter0", "evcs0", "evcs1"])
        #expect(
            layout.components.map(\.kind) == [
                .sum, .ess, .meter(device: "grid"), .evcs(device: "evse1"), .evcs(device: "evse2"),
            ])
        #expect(OpenEMSProfile.layout(for: loaded.site, maps: loaded.maps, essID: "ess9").components[1].id == "ess9")
    }
}
