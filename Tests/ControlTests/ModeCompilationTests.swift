import Control
import Testing
import Vocabulary

@Suite struct ModeCompilationTests {
    @Test(arguments: [
        (EssMode.auto, PowerConstraint.none),
        (.noDischarge, PowerConstraint(bounds: PowerInterval(min: -.infinity, max: 0))),
        (.limitCharge(maxChargePower: 2_000), PowerConstraint(bounds: PowerInterval(min: -2_000, max: .infinity))),
        (.noCharge, PowerConstraint(bounds: PowerInterval(min: 0, max: .infinity))),
        (
            .limitDischarge(maxDischargePower: 3_000),
            PowerConstraint(bounds: PowerInterval(min: -.infinity, max: 3_000))
        ),
        (.forceCharge(power: 4_000), PowerConstraint(target: -4_000)),
        (.forceDischarge(power: 4_000), PowerConstraint(target: 4_000)),
        (.setPower(-1_500), PowerConstraint(target: -1_500)),
    ])
    func essModeCompilesToItsConstraint(mode: EssMode, expected: PowerConstraint) {
        #expect(mode.constraint == expected)
    }

    @Test(arguments: [
        (ChargepointMode.zero, CurrentConstraint.aim(.off)),
        (.minimum, .aim(.minimum)),
        (.surplus, .aim(.surplus)),
        (.force, .aim(.maximum)),
        (.limit(current: 10), .cap(10)),
        (.limit(current: 6), .cap(6)),
        (.limit(current: 5.9), .cap(0)),
    ])
    func chargepointModeCompilesToItsConstraint(mode: ChargepointMode, expected: CurrentConstraint) {
        #expect(mode.constraint == expected)
    }

    @Test func noDischargeStillAllowsCharging() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .limits(min: nil, max: 0))
        #expect(decision.device("bat1")?.recipes == [.ess(.noDischarge)])
        #expect(decision.device("bat1")?.bounds == PowerInterval(min: -5_000, max: 0))
        #expect(decision.ess.allowedChargePower == -10_000)
        #expect(decision.ess.allowedDischargePower == 0)
        #expect(decision.ess.setpoint == nil)
    }

    @Test func limitChargeSplitsTheClusterLimitOverTheBatteries() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitCharge(maxChargePower: 2_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .limits(min: -1_000, max: nil))
        #expect(decision.order("bat2") == .limits(min: -1_000, max: nil))
        #expect(decision.device("bat2")?.recipes == [.ess(.limitCharge(maxChargePower: 1_000))])
        #expect(decision.ess.allowedChargePower == -2_000)
        #expect(decision.ess.allowedDischargePower == 10_000)
    }

    @Test func noChargeStillAllowsDischarging() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noCharge, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .limits(min: 0, max: nil))
        #expect(decision.device("bat1")?.recipes == [.ess(.noCharge)])
        #expect(decision.ess.allowedChargePower == 0)
        #expect(decision.ess.allowedDischargePower == 10_000)
    }

    @Test func limitDischargeSplitsTheClusterLimitOverTheBatteries() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitDischarge(maxDischargePower: 3_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .limits(min: nil, max: 1_500))
        #expect(decision.device("bat1")?.recipes == [.ess(.limitDischarge(maxDischargePower: 1_500))])
        #expect(decision.ess.allowedDischargePower == 3_000)
    }

    @Test func forceChargeSetsEveryBatteryToItsShare() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceCharge(power: 4_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(-2_000))
        #expect(decision.order("bat2") == .setpoint(-2_000))
        #expect(decision.device("bat1")?.recipes == [.ess(.forceCharge(power: 2_000))])
        #expect(decision.ess.setpoint == -4_000)
        #expect(decision.ess.allowedChargePower == -10_000, "a target is not a limit")
    }

    @Test func forceDischargeSetsEveryBatteryToItsShare() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 3_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(1_500))
        #expect(decision.device("bat2")?.recipes == [.ess(.forceDischarge(power: 1_500))])
    }

    @Test func setPowerIsClampedToWhatTheBatteriesAllow() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(-25_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(-5_000))
        #expect(decision.order("bat2") == .setpoint(-5_000))
        #expect(decision.device("bat1")?.recipes == [.ess(.setPower(-5_000))])
        #expect(decision.activeCommand(for: .essCluster)?.clampedTo == -10_000)
    }

    @Test func setPowerOnOneBatteryLeavesTheOtherToItself() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(2_500), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(2_500))
        #expect(decision.order("bat2") == .auto)
        #expect(decision.device("bat2")?.recipes == [.ess(.auto)])
    }

    @Test func autoLetsTheDevicesRunThemselves() throws {
        var core = Fixture.core()
        try core.accept(.ess(.auto, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.devices.map(\.order) == [.auto, .auto])
        #expect(decision.activeCommand(for: .essCluster)?.command.mode == .ess(.auto))
        #expect(decision.ess.allowedChargePower == -10_000)
        #expect(decision.ess.allowedDischargePower == 10_000)
    }

    @Test func noCommandMeansAutoEverywhere() {
        var core = Fixture.core()
        let decision = core.decide(site: Fixture.site, at: Fixture.t0)
        #expect(decision.devices.map(\.order) == [.auto, .auto, .auto, .auto])
        #expect(decision.active.isEmpty)
        #expect(decision.lost.isEmpty)
    }

    @Test func decisionsAreDeterministic() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitCharge(maxChargePower: 3_000), from: Fixture.ems, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.local, on: .device("bat2"), at: Fixture.t0))
        try core.accept(.chargepoint(.force, from: Fixture.schedule, at: Fixture.t0))
        var twin = core
        // Each battery takes half the cluster's charge limit, bat2 also may not discharge, and
        // both chargepoints give their 16 A: the same on every call and on a copy of the core.
        let orders: [DeviceOrder] = [
            .limits(min: -1_500, max: nil), .limits(min: -1_500, max: 0), .current(16), .current(16),
        ]
        let decisions = [
            core.decide(site: Fixture.site, at: Fixture.t0), core.decide(site: Fixture.site, at: Fixture.t0),
            twin.decide(site: Fixture.site, at: Fixture.t0),
        ]
        for decision in decisions {
            #expect(decision.devices.map(\.order) == orders)
            #expect(decision.ess.allowedChargePower == -3_000)
            #expect(decision.ess.allowedDischargePower == 5_000)
            #expect(decision.chargepoints.current == 32)
        }
    }
}
