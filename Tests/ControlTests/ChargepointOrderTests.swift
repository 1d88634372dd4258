import Control
import Testing
import Vocabulary

/// Under any chargepoint command every online chargepoint gets a current (0 when it must not
/// charge); one that no command holds is released.
@Suite struct ChargepointOrderTests {
    private func decide(_ commands: [Command], site: SiteSnapshot = Fixture.site) throws -> Decision {
        var core = Fixture.core()
        for command in commands { try core.accept(command) }
        return core.decide(site: site, at: Fixture.t0)
    }

    @Test func parkLimitThatDoesNotBindStillOrdersEveryChargepoint() throws {
        let decision = try decide([.chargepoint(.limit(current: 40), from: Fixture.ems, at: Fixture.t0)])
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.order("cp2") == .current(16))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.limit(current: 16))])
        #expect(decision.chargepoints.current == 32)
    }

    @Test func chargepointWhoseShareIsItsMaximumGetsAnExplicitOrder() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1"), Fixture.chargepoint("cp2", maxCurrent: 32)])
        let decision = try decide([.chargepoint(.limit(current: 40), from: Fixture.ems, at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.order("cp2") == .current(24))
    }

    @Test func chargepointOutsideADeviceCommandIsReleased() throws {
        let decision = try decide([.chargepoint(.minimum, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)])
        #expect(decision.order("cp1") == .current(6))
        let released = DeviceDecision(device: "cp2", online: true, order: .auto, recipes: [], origins: [])
        #expect(decision.device("cp2") == released)
    }

    @Test func chargepointsWithoutAnyCommandAreReleased() throws {
        let decision = try decide([])
        #expect(decision.order("cp1") == .auto)
        #expect(decision.order("cp2") == .auto)
    }

    @Test func clusterCommandOrdersEveryOnlineChargepointAndNoOfflineOne() throws {
        let site = SiteSnapshot(devices: [
            Fixture.chargepoint("cp1"), Fixture.chargepoint("cp2", online: false), Fixture.chargepoint("cp3"),
        ])
        let decision = try decide([.chargepoint(.limit(current: 10), from: Fixture.ems, at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(10))
        #expect(decision.order("cp2") == .auto)
        #expect(decision.order("cp3") == .current(0), "what is left does not cover its minimum")
    }
}
