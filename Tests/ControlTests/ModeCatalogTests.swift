import Control
import Testing
import Vocabulary

@Suite struct ModeCatalogTests {
    @Test func essModesHaveStableCodesAndNames() {
        let catalog = EssModeKind.allCases.map { "\($0.code) \($0.name)" }
        #expect(
            catalog == [
                "0 AUTO", "1 NO_DISCHARGE", "2 LIMIT_CHARGE", "3 NO_CHARGE", "4 LIMIT_DISCHARGE", "5 FORCE_CHARGE",
                "6 FORCE_DISCHARGE", "7 SET_POWER", "8 GRID_SETPOINT", "9 GRID_LIMIT", "10 CHARGE_TO_SOC",
            ])
    }

    @Test func chargepointModesKeepOpenEmsEvseCodes() {
        let catalog = ChargepointModeKind.allCases.map { "\($0.code) \($0.name)" }
        #expect(catalog == ["0 ZERO", "1 MINIMUM", "2 SURPLUS", "3 FORCE", "4 LIMIT", "5 CHARGE_ENERGY"])
    }

    @Test func namesAndCodesRoundTrip() {
        for kind in EssModeKind.allCases {
            #expect(EssModeKind(name: kind.name) == kind)
            #expect(EssModeKind(code: kind.code) == kind)
        }
        for kind in ChargepointModeKind.allCases {
            #expect(ChargepointModeKind(name: kind.name) == kind)
            #expect(ChargepointModeKind(code: kind.code) == kind)
        }
        #expect(EssModeKind(name: "HOLD") == nil)
        #expect(EssModeKind(code: 11) == nil)
    }

    @Test func parametersAreNamedWithUnitsAndRanges() {
        #expect(EssModeKind.limitCharge.parameters.map(\.name.rawValue) == ["maxChargePower"])
        #expect(EssModeKind.limitDischarge.parameters.map(\.name.rawValue) == ["maxDischargePower"])
        #expect(EssModeKind.forceCharge.parameters.map(\.name.rawValue) == ["power"])
        #expect(EssModeKind.setPower.parameters.map(\.range) == [-1_000_000_000...1_000_000_000])
        #expect(EssModeKind.forceDischarge.parameters.map(\.range) == [0...1_000_000_000])
        #expect(EssModeKind.noDischarge.parameters.isEmpty)
        #expect(
            EssModeKind.chargeToSoc.parameters == [
                ModeParameter(name: .targetSoc, unit: .percent, range: 0...100),
                ModeParameter(name: .asap, unit: .flag, range: 0...1, defaultValue: 0),
            ])
        #expect(
            ModeKind.ess(.chargeToSoc).describe([.targetSoc: 90, .asap: 1]) == "CHARGE_TO_SOC(targetSoc: 90 %, asap: 1)"
        )
        #expect(
            ChargepointModeKind.limit.parameters == [ModeParameter(name: .current, unit: .ampere, range: 0...10_000)])
        #expect(ChargepointModeKind.force.parameters.isEmpty)
    }

    @Test func modeBuiltFromKindAndParameter() throws {
        #expect(try EssMode(kind: .limitCharge, parameter: 2_000) == .limitCharge(maxChargePower: 2_000))
        #expect(try EssMode(kind: .setPower, parameter: -5_000) == .setPower(-5_000))
        #expect(try EssMode(kind: .noDischarge, parameter: 123) == .noDischarge)
        #expect(try EssMode(kind: .chargeToSoc, parameter: 90) == .chargeToSoc(soc: 90, asap: false))
        #expect(try ChargepointMode(kind: .limit, parameter: 10) == .limit(current: 10))
    }

    @Test func modeWithoutItsParameterIsRefused() {
        #expect(throws: CommandRejection.parameterMissing(mode: "FORCE_CHARGE", parameter: "power")) {
            try EssMode(kind: .forceCharge, parameter: nil)
        }
        #expect(throws: CommandRejection.parameterMissing(mode: "LIMIT", parameter: "current")) {
            try ChargepointMode(kind: .limit, parameter: nil)
        }
    }

    @Test func modeParameterOutsideItsRangeIsRefused() {
        #expect(
            throws: CommandRejection.parameterOutOfRange(
                mode: "LIMIT_CHARGE", parameter: "maxChargePower", value: -1, range: 0...1_000_000_000)
        ) {
            try EssMode(kind: .limitCharge, parameter: -1)
        }
        #expect(throws: CommandRejection.self) { try EssMode(kind: .setPower, parameter: .nan) }
        #expect(throws: CommandRejection.self) { try ChargepointMode(kind: .limit, parameter: 20_000) }
    }

    @Test func availableModesBitmaskSetsOneBitPerCode() {
        let modes: [ModeKind] = [.ess(.auto), .ess(.noDischarge), .ess(.setPower)]
        #expect(modes.bitmask == 0b1000_0011)
        #expect([ModeKind.chargepoint(.limit)].bitmask == 0b1_0000)
    }
}
