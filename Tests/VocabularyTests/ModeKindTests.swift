import Testing
import Vocabulary

@Suite struct ModeKindTests {
    @Test func everyModeIsFoundByItsNameAndNamesAreUniqueOverBothKinds() {
        #expect(Set(ModeKind.allCases.map(\.name)).count == ModeKind.allCases.count)
        for kind in ModeKind.allCases {
            #expect(ModeKind(rawValue: kind.name) == kind)
        }
        #expect(ModeKind(rawValue: "NO_DISCHARGE") == .ess(.noDischarge))
        #expect(ModeKind(rawValue: "SURPLUS") == .chargepoint(.surplus))
        #expect(ModeKind(rawValue: "no_discharge") == nil)
    }

    @Test func eachDeviceKindOffersTheModesOfItsKindOnly() {
        #expect(
            DeviceKind.battery.modes.map(\.name) == [
                "AUTO", "NO_DISCHARGE", "LIMIT_CHARGE", "NO_CHARGE", "LIMIT_DISCHARGE", "FORCE_CHARGE",
                "FORCE_DISCHARGE",
                "SET_POWER", "GRID_SETPOINT", "GRID_LIMIT", "CHARGE_TO_SOC",
            ])
        // A map names no recipe for the controlled modes: SET_POWER carries them out.
        #expect(DeviceKind.battery.recipeModes.map(\.name).last == "SET_POWER")
        #expect(
            DeviceKind.chargepoint.modes.map(\.name) == [
                "ZERO", "MINIMUM", "SURPLUS", "FORCE", "LIMIT", "CHARGE_ENERGY",
            ])
        // CHARGE_ENERGY has none either: LIMIT carries it out.
        #expect(DeviceKind.chargepoint.recipeModes.map(\.name).last == "LIMIT")
        #expect(DeviceKind.meter.modes.isEmpty && !DeviceKind.meter.isControllable)
        #expect(DeviceKind.pv.modes.isEmpty && !DeviceKind.pv.isControllable)
        for kind in DeviceKind.allCases {
            #expect(kind.modes.allSatisfy { $0.deviceKind == kind })
        }
    }

    @Test func chargepointRecipesGetTheCurrentTheCoreChoseExceptZero() {
        #expect(ModeKind.chargepoint(.zero).recipeParameters.isEmpty)
        for kind in ChargepointModeKind.allCases where kind != .zero {
            #expect(ModeKind.chargepoint(kind).recipeParameters == [.current])
        }
        #expect(ModeKind.ess(.limitCharge).recipeParameters == [.maxChargePower])
        #expect(ModeKind.ess(.auto).recipeParameters.isEmpty)
    }

    @Test func theBitmaskSetsOneBitPerCode() {
        #expect([ModeKind.ess(.auto), .ess(.setPower)].bitmask == 0b1000_0001)
        #expect(DeviceKind.chargepoint.modes.bitmask == 0b11_1111)
    }
}
