import Control
import Testing
import Vocabulary

/// A device's own command against its cluster's: of the same priority the device command wins on
/// its device, and the cluster command, still about the cluster's sum, is carried out around it
/// by the other devices; of different priorities the higher one wins.
@Suite struct DevicePrecedenceTests {
    private let later = Fixture.t0 + .seconds(1)

    private func ref(_ source: SourceID, _ mode: EssMode, on target: Target = .essCluster) -> CommandRef {
        CommandRef(origin: .source(source), target: target, mode: .ess(mode))
    }

    private func threeBatteries() -> SiteSnapshot {
        SiteSnapshot(devices: [Fixture.battery("bat1"), Fixture.battery("bat2"), Fixture.battery("bat3")])
    }

    @Test func deviceCommandWinsOnItsDeviceOverANewerClusterCommandOfTheSamePriority() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 2_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.setPower(-9_000), from: Fixture.ems, at: later))
        let decision = core.decide(site: Fixture.batteries(), at: later)
        #expect(decision.order("bat1") == .setpoint(2_000))
        #expect(decision.device("bat1")?.recipes == [.ess(.forceDischarge(power: 2_000))])
        #expect(decision.order("bat2") == .setpoint(-5_000), "the other battery charges as far as it can")
        #expect(decision.lost.isEmpty)
        #expect(decision.activeCommand(for: .device("bat1"))?.clampedTo == nil)
        #expect(decision.activeCommand(for: .essCluster)?.clampedTo == -3_000)
    }

    @Test(arguments: [true, false])
    func clusterTargetOfTheSamePriorityIsMadeUpByTheOtherBatteries(deviceIsOlder: Bool) throws {
        let peers = [Source(id: "a", priority: 10), Source(id: "b", priority: 10)]
        var core = Fixture.core(sources: peers)
        try core.accept(
            .ess(.forceDischarge(power: 2_000), from: "a", on: .device("bat1"), at: deviceIsOlder ? Fixture.t0 : later))
        try core.accept(.ess(.setPower(-6_000), from: "b", at: deviceIsOlder ? later : Fixture.t0))
        let decision = core.decide(site: threeBatteries(), at: later)
        #expect(decision.devices.map(\.order) == [.setpoint(2_000), .setpoint(-4_000), .setpoint(-4_000)])
        #expect(decision.lost.isEmpty)
        #expect(decision.activeCommand(for: .essCluster)?.clampedTo == nil)
        #expect(decision.ess.setpoint == -6_000)
    }

    @Test func clusterBoundOfTheSamePriorityHoldsTheSumAroundTheDeviceTarget() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 2_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: later))
        let decision = core.decide(site: Fixture.batteries(), at: later)
        #expect(decision.order("bat1") == .setpoint(2_000))
        #expect(decision.order("bat2") == .setpoint(-2_000))
        #expect(decision.lost.isEmpty)
    }

    @Test func clusterBoundOfTheSamePriorityThatTheOthersCannotKeepLosesToTheDeviceTarget() throws {
        var core = Fixture.core()
        let discharge = Command.ess(
            .forceDischarge(power: 2_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0)
        try core.accept(discharge)
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: later))
        let site = Fixture.batteries(Fixture.battery("bat1"), Fixture.battery("bat2", soc: 100))
        let decision = core.decide(site: site, at: later)
        #expect(decision.order("bat1") == .setpoint(2_000))
        #expect(decision.order("bat2") == .auto)
        #expect(
            decision.losses(of: Fixture.ems, on: .essCluster).map(\.reason) == [.conflictsWith(CommandRef(discharge))])
    }

    @Test func deviceLimitOfTheSamePriorityWinsOverANewerClusterTarget() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.setPower(8_000), from: Fixture.ems, at: later))
        let decision = core.decide(site: Fixture.batteries(), at: later)
        #expect(decision.lost.isEmpty)
        #expect(decision.devices.map(\.order) == [.setpoint(0), .setpoint(5_000)])
        #expect(decision.activeCommand(for: .essCluster)?.clampedTo == 5_000)
    }

    @Test func higherPriorityClusterTargetStillMovesALowerDeviceTarget() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(8_000), from: Fixture.local, at: Fixture.t0))
        try core.accept(.ess(.setPower(1_000), from: Fixture.ems, on: .device("bat1"), at: later))
        let decision = core.decide(site: Fixture.batteries(), at: later)
        #expect(decision.devices.map(\.order) == [.setpoint(3_000), .setpoint(5_000)])
        #expect(decision.activeCommand(for: .device("bat1"))?.clampedTo == 3_000)
        #expect(decision.ess.setpoint == 8_000)
    }

    @Test func higherPriorityDeviceTargetLeavesALowerClusterTargetTheSum() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 2_000), from: Fixture.local, on: .device("bat1"), at: Fixture.t0))
        try core.accept(.ess(.setPower(-4_000), from: Fixture.ems, at: later))
        let decision = core.decide(site: threeBatteries(), at: later)
        #expect(decision.devices.map(\.order) == [.setpoint(2_000), .setpoint(-3_000), .setpoint(-3_000)])
        #expect(decision.ess.setpoint == -4_000)
        #expect(decision.lost.isEmpty)
    }

    @Test func chargepointCommandWinsOverANewerClusterCommandOfTheSamePriority() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.zero, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0))
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: later))
        let decision = core.decide(site: Fixture.site, at: later)
        #expect(decision.order("cp1") == .current(0))
        #expect(decision.order("cp2") == .current(16))
        #expect(decision.lost.map(\.scope) == [.device("cp1")])
        #expect(decision.lost.first?.command.target == .chargepointCluster)
    }

    @Test func chargepointForceOfTheSamePriorityKeepsItsCurrentUnderAParkLimit() throws {
        var core = Fixture.core()
        try core.accept(.chargepoint(.force, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0))
        try core.accept(.chargepoint(.limit(current: 24), from: Fixture.ems, at: later))
        let decision = core.decide(site: Fixture.site, at: later)
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.order("cp2") == .current(8), "the rest of the park limit")
        #expect(decision.lost.isEmpty)
    }
}
