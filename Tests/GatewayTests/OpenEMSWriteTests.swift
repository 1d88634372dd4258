import Control
import Gateway
import GatewayState
import Modbus
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// What the master's writes become: commands of the source `openems`, whole or not at all.
@Suite struct OpenEMSWriteTests {
    let sink = OpenEMSRecordingSink()
    let openems = SourceID("openems")

    func withClient(apiTimeout: Duration? = .seconds(60), _ body: (ModbusClient) throws -> Void) throws {
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink, apiTimeout: apiTimeout)) { server in
            try body(try OpenEMSFixture.client(server))
        }
    }

    func essCommand(_ mode: EssMode) -> Command {
        .ess(mode, from: openems, on: .essCluster, at: sink.now())
    }

    @Test func activeAndReactiveEqualsInOneFourWordWriteGiveOneSetPowerCommand() throws {
        try withClient { client in
            try client.writeMultipleRegisters(
                unit: 1, address: 706, values: OpenEMSFixture.words(-3000) + OpenEMSFixture.words(500))
        }
        #expect(sink.commands == [essCommand(.setPower(-3000))])
        #expect(sink.refreshes.contains(openems))
    }

    @Test func equalsIsTruncatedToWholeWattsAsOpenEMSDoes() throws {
        try withClient { client in
            try client.writeMultipleRegisters(unit: 1, address: 706, values: OpenEMSFixture.words(-1234.9))
        }
        #expect(sink.commands == [essCommand(.setPower(-1234))])
    }

    @Test func zeroWattsHoldsTheClusterAtZeroRatherThanReleasingIt() throws {
        try withClient { client in
            try client.writeMultipleRegisters(unit: 1, address: 706, values: OpenEMSFixture.words(0) + [0, 0])
        }
        #expect(sink.commands == [essCommand(.setPower(0))])
        #expect(sink.releases.isEmpty)
    }

    @Test func lessOrEqualsZeroIsNoDischarge() throws {
        try withClient { client in
            try client.writeMultipleRegisters(unit: 1, address: 710, values: OpenEMSFixture.words(0))
        }
        #expect(sink.commands == [essCommand(.noDischarge)])
    }

    @Test func greaterOrEqualsMinusXIsLimitChargeToX() throws {
        try withClient { client in
            try client.writeMultipleRegisters(unit: 1, address: 714, values: OpenEMSFixture.words(-2000))
        }
        #expect(sink.commands == [essCommand(.limitCharge(maxChargePower: 2000))])
    }

    @Test func nanIsRefusedWithIllegalDataValueAndSubmitsNothing() throws {
        try withClient { client in
            let refusal = OpenEMSFixture.exception {
                try client.writeMultipleRegisters(
                    unit: 1, address: 706, values: OpenEMSFixture.words(.nan) + OpenEMSFixture.words(0))
            }
            #expect(refusal == .illegalDataValue)
        }
        #expect(sink.commands.isEmpty)
        #expect(sink.refreshes.isEmpty)
    }

    @Test func halfAFloatWaitsForTheOtherHalf() throws {
        let words = OpenEMSFixture.words(-1500)
        try withClient { client in
            try client.writeMultipleRegisters(unit: 1, address: 706, values: [words[0]])
            #expect(sink.commands.isEmpty)
            try client.writeMultipleRegisters(unit: 1, address: 707, values: [words[1]])
        }
        #expect(sink.commands == [essCommand(.setPower(-1500))])
    }

    @Test func singleRegisterWritesIntoFloatsAndWritesToReadOnlyRecordsAreRefused() throws {
        try withClient { client in
            #expect(
                OpenEMSFixture.exception { try client.writeSingleRegister(unit: 1, address: 706, value: 0) }
                    == .illegalDataAddress)
            #expect(
                OpenEMSFixture.exception {
                    try client.writeMultipleRegisters(unit: 1, address: 702, values: OpenEMSFixture.words(0))
                } == .illegalDataAddress)
            #expect(
                OpenEMSFixture.exception { try client.writeMultipleRegisters(unit: 1, address: 150, values: [0]) }
                    == .illegalDataAddress)
        }
        #expect(sink.commands.isEmpty)
    }

    @Test func chargePowerLimitBecomesACurrentLimitOnThatChargepoint() throws {
        try withClient { client in
            try client.writeSingleRegister(unit: 1, address: 1462, value: 6900)
        }
        #expect(
            sink.commands == [
                .chargepoint(.limit(current: 10), from: openems, on: .device(DeviceID("evse1")), at: sink.now())
            ])
    }

    @Test func apiTimeoutReleasesEverythingTheSourceHolds() throws {
        try withClient(apiTimeout: .seconds(60)) { client in
            try client.writeMultipleRegisters(unit: 1, address: 706, values: OpenEMSFixture.words(-3000) + [0, 0])
            sink.advance(to: .seconds(159))
            _ = try client.read(.holding, unit: 1, address: 0, count: 1)
            #expect(sink.releases.isEmpty)
            sink.advance(to: .seconds(160))
            _ = try client.read(.holding, unit: 1, address: 0, count: 1)
            _ = try client.read(.holding, unit: 1, address: 0, count: 1)
        }
        #expect(sink.releases.count == 1)
        #expect(sink.releases.first?.0 == openems)
        #expect(sink.releases.first?.1 == nil)
    }

    @Test func anyWriteRestartsTheApiTimeout() throws {
        let profile = OpenEMSFixture.profile(sink: sink, apiTimeout: .seconds(60))
        _ = profile.handle(
            .writeMultipleRegisters(address: 706, values: OpenEMSFixture.words(-3000) + [0, 0]), unit: 1)
        sink.advance(to: .seconds(150))
        _ = profile.handle(.writeMultipleRegisters(address: 708, values: OpenEMSFixture.words(0)), unit: 1)
        sink.advance(to: .seconds(200))
        profile.tick()
        #expect(sink.releases.isEmpty)
        sink.advance(to: .seconds(210))
        profile.tick()
        #expect(sink.releases.count == 1)
    }
}
