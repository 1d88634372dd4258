import Control
import Testing
import Vocabulary

@Suite struct ChargepointModeTests {
    private func decide(_ commands: [Command], site: SiteSnapshot = Fixture.site) throws -> Decision {
        var core = Fixture.core()
        for command in commands { try core.accept(command) }
        return core.decide(site: site, at: Fixture.t0)
    }

    @Test(arguments: [
        (ChargepointMode.zero, DeviceOrder.current(0), ChargepointMode.zero),
        (.minimum, .current(6), .minimum),
        (.force, .current(16), .force),
        (.limit(current: 10), .current(10), .limit(current: 10)),
        (.limit(current: 5), .current(0), .zero),
    ])
    func modeSetsTheCurrent(mode: ChargepointMode, order: DeviceOrder, recipe: ChargepointMode) throws {
        let decision = try decide([.chargepoint(mode, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)])
        #expect(decision.order("cp1") == order)
        #expect(decision.device("cp1")?.recipes == [.chargepoint(recipe)])
        #expect(decision.order("cp2") == .auto)
    }

    @Test func limitAboveTheMaximumOrdersTheMaximum() throws {
        let decision = try decide([
            .chargepoint(.limit(current: 32), from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)
        ])
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.limit(current: 16))])
    }

    @Test func higherLimitCapsALowerForce() throws {
        let decision = try decide([
            .chargepoint(.limit(current: 10), from: Fixture.local, on: .device("cp1"), at: Fixture.t0),
            .chargepoint(.force, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0),
        ])
        #expect(decision.order("cp1") == .current(10))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.limit(current: 10))])
        #expect(decision.lost.isEmpty)
    }

    @Test func lowerLimitUnderAHigherForceIsDropped() throws {
        let force = CommandRef(origin: .source(Fixture.local), target: .device("cp1"), mode: .chargepoint(.force))
        let decision = try decide([
            .chargepoint(.force, from: Fixture.local, on: .device("cp1"), at: Fixture.t0),
            .chargepoint(.limit(current: 10), from: Fixture.ems, on: .device("cp1"), at: Fixture.t0),
        ])
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.lost.map(\.reason) == [.conflictsWith(force)])
    }

    @Test func deviceCommandOverridesTheClusterCommandOnlyThere() throws {
        let decision = try decide([
            .chargepoint(.zero, from: Fixture.local, on: .device("cp1"), at: Fixture.t0),
            .chargepoint(.force, from: Fixture.ems, at: Fixture.t0),
        ])
        #expect(decision.order("cp1") == .current(0))
        #expect(decision.order("cp2") == .current(16))
        #expect(decision.lost.map(\.scope) == [.device("cp1")])
        #expect(decision.activeCommand(for: .chargepointCluster)?.command.mode == .chargepoint(.force))
    }

    @Test func clusterLimitIsSharedEquallyOverTheChargepoints() throws {
        let decision = try decide([
            .chargepoint(.limit(current: 20), from: Fixture.local, at: Fixture.t0),
            .chargepoint(.force, from: Fixture.ems, at: Fixture.t0),
        ])
        #expect(decision.order("cp1") == .current(10))
        #expect(decision.order("cp2") == .current(10))
        #expect(decision.chargepoints.current == 20)
        #expect(decision.chargepoints.limit == 20)
    }

    @Test func clusterLimitBelowTwoMinimumsChargesOnlyTheFirstByPriority() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1"), Fixture.chargepoint("cp2", priority: 1)])
        let decision = try decide(
            [
                .chargepoint(.limit(current: 10), from: Fixture.local, at: Fixture.t0),
                .chargepoint(.force, from: Fixture.ems, at: Fixture.t0),
            ], site: site)
        #expect(decision.order("cp1") == .current(0))
        #expect(decision.order("cp2") == .current(10))
    }

    @Test func clusterLimitAloneCapsChargepointsThatRunThemselves() throws {
        let decision = try decide([.chargepoint(.limit(current: 24), from: Fixture.ems, at: Fixture.t0)])
        #expect(decision.order("cp1") == .current(12))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.limit(current: 12))])
    }

    @Test func lowerClusterLimitUnderHigherMinimumsIsDropped() throws {
        let decision = try decide([
            .chargepoint(.minimum, from: Fixture.local, at: Fixture.t0),
            .chargepoint(.limit(current: 8), from: Fixture.ems, at: Fixture.t0),
        ])
        #expect(decision.devices.compactMap { $0.order == .current(6) ? $0.device : nil } == ["cp1", "cp2"])
        #expect(decision.losses(of: Fixture.ems, on: .chargepointCluster).count == 1)
    }

    @Test func offlineChargepointGetsNoOrder() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1", online: false), Fixture.chargepoint("cp2")])
        let decision = try decide([.chargepoint(.force, from: Fixture.ems, at: Fixture.t0)], site: site)
        #expect(
            decision.device("cp1")
                == DeviceDecision(device: "cp1", online: false, order: .auto, recipes: [], origins: []))
        #expect(decision.order("cp2") == .current(16))
    }

    @Test func wattsAndAmperesConvertOverThePhases() {
        let threePhase = ChargepointTelemetry(maxCurrent: 16, phases: .three)
        #expect(threePhase.power(ofCurrent: 6, voltage: 230) == 4_140)
        #expect(ChargepointTelemetry(maxCurrent: 16, phases: .one).power(ofCurrent: 6, voltage: 230) == 1_380)
        #expect(threePhase.current(ofPower: 6_900, voltage: 230) == 10)
    }
}
