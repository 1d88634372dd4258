import Control
import Testing
import Vocabulary

/// A target that clamping turns to 0 or against its direction is lost, with the bounds that did
/// it, and is never carried out as its opposite.
@Suite struct VoidedTargetTests {
    private func ref(_ source: SourceID, _ mode: EssMode, on target: Target = .essCluster) -> CommandRef {
        CommandRef(origin: .source(source), target: target, mode: .ess(mode))
    }

    private func ref(_ source: SourceID, _ mode: ChargepointMode, on target: Target) -> CommandRef {
        CommandRef(origin: .source(source), target: target, mode: .chargepoint(mode))
    }

    @Test func dischargeThatAHigherClusterTargetWouldTurnIntoAChargeIsLost() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(-9_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.forceDischarge(power: 2_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        let discharge = ref(Fixture.ems, .forceDischarge(power: 2_000), on: .device("bat1"))
        #expect(
            decision.lost == [
                LostCommand(
                    command: discharge, scope: .device("bat1"),
                    reason: .reversed(bounds: PowerInterval(min: -5_000, max: -4_000)))
            ])
        #expect(decision.active.map(\.command) == [ref(Fixture.local, .setPower(-9_000))])
        #expect(decision.order("bat1") == .setpoint(-4_000), "the least charge the cluster target leaves it")
        #expect(decision.device("bat1")?.recipes == [.ess(.setPower(-4_000))])
        #expect(decision.order("bat2") == .setpoint(-5_000))
    }

    @Test func targetThatAHigherConstraintClampsToZeroIsLostAndTheBatteriesIdle() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.setPower(3_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .setPower(3_000)), scope: .essCluster,
                    reason: .clampedAway(bounds: PowerInterval(min: -10_000, max: 0)))
            ])
        #expect(decision.active.map(\.command) == [ref(Fixture.local, .noDischarge)])
        #expect(decision.devices.map(\.order) == [.setpoint(0), .setpoint(0)])
        #expect(decision.device("bat1")?.recipes == [.ess(.setPower(0))])
    }

    @Test func clusterChargeThatAHigherDeviceTargetWouldTurnIntoADischargeIsLost() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 4_000), from: Fixture.local, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.forceCharge(power: 2_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1"), Fixture.battery("bat2", soc: 100))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .forceCharge(power: 2_000)), scope: .essCluster,
                    reason: .reversed(bounds: PowerInterval(min: 4_000, max: 9_000)))
            ])
        #expect(decision.order("bat1") == .setpoint(4_000))
        #expect(decision.order("bat2") == .setpoint(0), "the full battery does not discharge for a charge command")
    }

    @Test func lostTargetStillHoldsItsScopeAgainstALowerTarget() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 3_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.forceCharge(power: 2_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", soc: 10), Fixture.battery("bat2", soc: 10))
        let decision = core.decide(site: site, at: Fixture.t0)
        let discharge = ref(Fixture.local, .forceDischarge(power: 3_000))
        #expect(
            decision.lost == [
                LostCommand(
                    command: discharge, scope: .essCluster,
                    reason: .clampedAway(bounds: PowerInterval(min: -10_000, max: 0))),
                LostCommand(
                    command: ref(Fixture.ems, .forceCharge(power: 2_000)), scope: .essCluster,
                    reason: .targetTakenBy(discharge)),
            ])
        #expect(decision.devices.map(\.order) == [.setpoint(0), .setpoint(0)])
    }

    @Test func targetClampedWithoutChangingDirectionStaysActive() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitDischarge(maxDischargePower: 1_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.forceDischarge(power: 4_000), from: Fixture.ems, at: Fixture.t0))
        let decision = core.decide(site: Fixture.batteries(), at: Fixture.t0)
        #expect(decision.lost.isEmpty)
        let discharge = decision.active.first { $0.command == ref(Fixture.ems, .forceDischarge(power: 4_000)) }
        #expect(discharge?.clampedTo == 1_000)
        #expect(decision.ess.setpoint == 1_000)
    }

    @Test func forceThatAHigherLimitCapsBelowTheMinimumIsLost() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.limit(current: 5), from: Fixture.local, on: .device("cp1"), at: Fixture.t0))
        try core.accept(.chargepoint(.force, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0))
        let decision = core.decide(site: Fixture.site, at: Fixture.t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .force, on: .device("cp1")), scope: .device("cp1"),
                    reason: .clampedAway(bounds: PowerInterval(min: 0, max: 0)))
            ])
        #expect(decision.order("cp1") == .current(0))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.zero)])
    }

    @Test func clusterForceLosesOnTheChargepointThatTheParkLimitLeavesBelowTheMinimum() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.limit(current: 10), from: Fixture.local, at: Fixture.t0))
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: Fixture.t0))
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1"), Fixture.chargepoint("cp2", priority: 1)])
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.order("cp1") == .current(0))
        #expect(decision.order("cp2") == .current(10))
        #expect(
            decision.lost == [
                LostCommand(
                    command: ref(Fixture.ems, .force, on: .chargepointCluster), scope: .device("cp1"),
                    reason: .clampedAway(bounds: PowerInterval(min: 0, max: 4)))
            ])
        #expect(decision.activeCommand(for: .chargepointCluster)?.command.mode == .chargepoint(.limit(current: 10)))
        #expect(decision.active.contains { $0.command.mode == .chargepoint(.force) }, "it still holds cp2")
    }
}
