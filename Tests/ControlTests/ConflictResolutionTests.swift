import Control
import Testing
import Vocabulary

@Suite struct ConflictResolutionTests {
    private func ref(_ source: SourceID, _ mode: EssMode, on target: Target = .essCluster) -> CommandRef {
        CommandRef(origin: .source(source), target: target, mode: .ess(mode))
    }

    @Test func higherPriorityTargetDropsAConflictingLowerConstraint() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(3_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .noDischarge), scope: .essCluster,
                    reason: .conflictsWith(ref(Fixture.local, .setPower(3_000))))
            ])
        #expect(decision.active.map(\.command) == [ref(Fixture.local, .setPower(3_000))])
        #expect(decision.devices.map(\.order) == [.setpoint(1_500), .setpoint(1_500)])
    }

    @Test func higherPriorityConstraintClampsALowerTarget() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitDischarge(maxDischargePower: 2_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.setPower(3_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.lost.isEmpty)
        #expect(decision.devices.map(\.order) == [.setpoint(1_000), .setpoint(1_000)])
        let setPower = decision.active.first { $0.command == ref(Fixture.ems, .setPower(3_000)) }
        #expect(setPower?.clampedTo == 2_000)
    }

    @Test func secondTargetOnTheSameScopeLosesToTheFirst() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceCharge(power: 2_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.setPower(1_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(
            decision.losses(of: Fixture.ems, on: .essCluster).map(\.reason) == [
                .targetTakenBy(ref(Fixture.local, .forceCharge(power: 2_000)))
            ])
        #expect(decision.ess.setpoint == -2_000)
    }

    @Test func equalPriorityGoesToTheNewerCommand() throws {
        let sources = [Source(id: "a", priority: 5), Source(id: "b", priority: 5)]
        var core = Fixture.core(sources: sources)
        try core.accept(.ess(.setPower(1_000), from: "b", at: Fixture.t0))
        try core.accept(.ess(.setPower(2_000), from: "a", at: Fixture.t0 + .seconds(1)))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0 + .seconds(1))
        #expect(decision.ess.setpoint == 2_000)
        #expect(decision.losses(of: "b", on: .essCluster).map(\.reason) == [.targetTakenBy(ref("a", .setPower(2_000)))])
    }

    @Test func equalPriorityAndTimeGoesToTheFirstSourceId() throws {
        let sources = [Source(id: "a", priority: 5), Source(id: "b", priority: 5)]
        var core = Fixture.core(sources: sources)
        try core.accept(.ess(.setPower(1_000), from: "b", at: Fixture.t0))
        try core.accept(.ess(.setPower(2_000), from: "a", at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.ess.setpoint == 2_000)
        #expect(decision.lost.map(\.command.origin) == [.source("b")])
    }

    @Test func compatibleLimitsFromDifferentSourcesNarrowTogether() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitCharge(maxChargePower: 3_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.lost.isEmpty)
        #expect(decision.order("bat1") == .limits(min: -1_500, max: 0))
        #expect(
            decision.device("bat1")?.recipes == [.ess(.limitCharge(maxChargePower: 1_500)), .ess(.noDischarge)])
        #expect(
            decision.device("bat1")?.origins == [
                ref(Fixture.local, .limitCharge(maxChargePower: 3_000)), ref(Fixture.ems, .noDischarge),
            ])
        #expect(decision.ess.allowedChargePower == -3_000)
        #expect(decision.ess.allowedDischargePower == 0)
    }

    @Test func deviceLimitUnderAClusterTargetShiftsTheShareToTheOthers() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(3_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.lost.isEmpty)
        #expect(decision.order("bat1") == .setpoint(0))
        #expect(decision.order("bat2") == .setpoint(3_000))
    }

    @Test func deviceLimitThatWouldBreakAHigherClusterTargetIsDropped() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(8_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .noDischarge, on: .device("bat1")), scope: .device("bat1"),
                    reason: .conflictsWith(ref(Fixture.local, .setPower(8_000))))
            ])
        #expect(decision.devices.map(\.order) == [.setpoint(4_000), .setpoint(4_000)])
    }

    @Test func clusterLimitUnderAHigherDeviceTargetMakesTheOthersCompensate() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 4_000), from: Fixture.local, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.lost.isEmpty, "bounds apply to the sum, which bat2 can still keep at 0")
        #expect(decision.order("bat1") == .setpoint(4_000))
        #expect(decision.order("bat2") == .setpoint(-4_000))
        #expect(decision.device("bat2")?.recipes == [.ess(.setPower(-4_000))])
        #expect(decision.ess.bounds == PowerInterval(min: -1_000, max: 0))
    }

    @Test func clusterLimitThatWouldBreakAHigherDeviceTargetIsDropped() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 4_000), from: Fixture.local, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1"), Fixture.battery("bat2", soc: 100))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .noDischarge), scope: .essCluster,
                    reason: .conflictsWith(ref(Fixture.local, .forceDischarge(power: 4_000), on: .device("bat1"))))
            ])
        #expect(decision.order("bat2") == .auto)
    }

    @Test func deviceTargetUnderAClusterLimitIsClampedToKeepTheClusterInside() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitDischarge(maxDischargePower: 1_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.forceDischarge(power: 4_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1"), Fixture.battery("bat2", soc: 100))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.lost.isEmpty)
        #expect(decision.order("bat1") == .setpoint(1_000))
        #expect(decision.device("bat1")?.recipes == [.ess(.forceDischarge(power: 1_000))])
        #expect(decision.order("bat2") == .limits(min: nil, max: 0))
        #expect(decision.active.first { $0.command.target == .device("bat1") }?.clampedTo == 1_000)
    }

    @Test func laterCommandOfTheSameSourceReplacesItsEarlierOne() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(1_000), from: Fixture.ems, at: Fixture.t0))
        let later = Fixture.t0 + .seconds(5)
        let receipt = try core.apply(.ess(.noCharge, from: Fixture.ems, at: later), at: later).get()
        #expect(receipt.replaced?.mode == .ess(.setPower(1_000)))
        #expect(core.commandsHeld.map(\.mode) == [.ess(.noCharge)])
    }

    @Test func releasingTheWinnerLetsTheLowerCommandTakeOver() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(3_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.setPower(-2_000), from: Fixture.ems, at: Fixture.t0))
        let released = core.release(source: Fixture.local)
        #expect(released.map(\.source) == [Fixture.local])
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.ess.setpoint == -2_000)
        #expect(decision.lost.isEmpty)
    }
}
