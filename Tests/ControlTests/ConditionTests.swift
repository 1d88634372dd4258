import Control
import Testing
import Vocabulary

/// `while: {charging: …}` and `until: {idle: …}` against scripted telemetry: the core evaluates
/// them at each decision and reports them in the status.
@Suite struct ConditionTests {
    /// Two batteries and two chargepoints, `charging` drawing 7 kW.
    func site(charging: Set<DeviceID> = []) -> SiteSnapshot {
        SiteSnapshot(
            devices: [
                Fixture.battery("bat1"), Fixture.battery("bat2"),
                Fixture.chargepoint("cp1", activePower: charging.contains("cp1") ? 7_000 : 0),
                Fixture.chargepoint("cp2", activePower: charging.contains("cp2") ? 7_000 : 0),
            ], gridPower: 0)
    }

    func essMode(_ core: inout ControlCore, _ site: SiteSnapshot, at now: ControlInstant) -> Mode? {
        core.decide(site: site, at: now).activeCommand(for: .essCluster)?.command.mode
    }

    @Test func noDischargeWhileAnyCarChargesSwitchesWithTheCars() throws {
        var core = Fixture.core()
        let t0 = Fixture.t0
        try core.accept(
            Command(
                source: Fixture.ems, target: .essCluster, mode: .ess(.noDischarge), issuedAt: t0,
                end: .after(.seconds(3_600)), activeWhileCharging: .any))
        #expect(essMode(&core, site(), at: t0) == nil)
        #expect(essMode(&core, site(charging: ["cp2"]), at: t0 + .seconds(10)) == .ess(.noDischarge))
        let decision = core.decide(site: site(charging: ["cp1"]), at: t0 + .seconds(20))
        #expect(decision.activeCommand(for: .essCluster)?.activeWhileCharging == .any)
        #expect(essMode(&core, site(), at: t0 + .seconds(30)) == nil)
        // Waiting is not ending: it is back with the next car.
        #expect(core.tick(at: t0 + .seconds(40)).isEmpty)
        #expect(essMode(&core, site(charging: ["cp1"]), at: t0 + .seconds(50)) == .ess(.noDischarge))
    }

    @Test func whileChargingWatchesOnlyTheNamedChargepoints() throws {
        var core = Fixture.core()
        try core.accept(
            Command(
                source: Fixture.ems, target: .essCluster, mode: .ess(.noDischarge), issuedAt: Fixture.t0,
                end: .after(.seconds(3_600)), activeWhileCharging: .only(["cp2"])))
        #expect(essMode(&core, site(charging: ["cp1"]), at: Fixture.t0) == nil)
        #expect(essMode(&core, site(charging: ["cp2"]), at: Fixture.t0) == .ess(.noDischarge))
    }

    @Test func untilIdleEndsOnceNoChargepointChargedForItsTimeAndNeedsNoWatchdog() throws {
        var core = Fixture.core()
        let t0 = Fixture.t0
        let idle = IdleCondition(chargepoints: .any, duration: .seconds(900))
        try core.accept(
            Command(
                source: Fixture.ems, target: .essCluster, mode: .ess(.noDischarge), issuedAt: t0, endsWhenIdle: idle))
        // Charging for 20 minutes, well past the 60 s watchdog: the command holds.
        for minute in 0..<20 {
            let now = t0 + .seconds(Int64(minute) * 60)
            #expect(core.tick(at: now).isEmpty)
            #expect(essMode(&core, site(charging: ["cp1"]), at: now) == .ess(.noDischarge))
        }
        // Then idle: 14 minutes later it still holds, and the status says for how long.
        let stopped = t0 + .seconds(1_200)
        _ = core.decide(site: site(), at: stopped)
        let waiting = core.decide(site: site(), at: stopped + .seconds(840))
        let active = try #require(waiting.activeCommand(for: .essCluster))
        #expect(active.endsWhenIdle == idle && active.idleFor == .seconds(840) && active.remaining == nil)
        // A car charging for a moment starts the idle time again.
        _ = core.decide(site: site(charging: ["cp2"]), at: stopped + .seconds(850))
        #expect(essMode(&core, site(), at: stopped + .seconds(860)) == .ess(.noDischarge))
        #expect(essMode(&core, site(), at: stopped + .seconds(1_700)) == .ess(.noDischarge))
        // 15 minutes after the last charge it ends, reported at the next tick.
        #expect(essMode(&core, site(), at: stopped + .seconds(1_760)) == nil)
        let ended = core.tick(at: stopped + .seconds(1_761))
        #expect(ended.map(\.reason) == [.conditionMet])
        #expect(ended.first?.at == stopped + .seconds(1_760))
    }
}
