import Control
import Testing
import Vocabulary

@Suite struct WatchdogTests {
    private let t0 = Fixture.t0

    @Test func commandExpiresExactlyAtTheWatchdogTimeout() throws {
        var core = Fixture.core()
        let command = Command.ess(.setPower(2_000), from: Fixture.ems, at: t0)
        try core.accept(command)
        #expect(core.tick(at: t0 + .milliseconds(59_999)).isEmpty)
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .milliseconds(59_999)).ess.setpoint == 2_000)
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .seconds(60)).ess.setpoint == nil)
        #expect(
            core.tick(at: t0 + .seconds(60))
                == [Expiration(command: command, reason: .watchdog, at: t0 + .seconds(60))])
        #expect(core.commandsHeld.isEmpty)
    }

    @Test func expiryReturnsTheDevicesToAuto() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceCharge(power: 3_000), from: Fixture.ems, at: t0))
        _ = core.tick(at: t0 + .seconds(61))
        let decision = core.decide(site: Fixture.batteries(), at: t0 + .seconds(61))
        #expect(decision.devices.map(\.order) == [.auto, .auto])
        #expect(decision.active.isEmpty)
    }

    @Test func refreshExtendsTheWatchdog() throws {
        var core = Fixture.core()
        let command = Command.ess(.noDischarge, from: Fixture.ems, at: t0)
        try core.accept(command)
        let refreshed = core.refresh(Fixture.ems, at: t0 + .seconds(30))
        #expect(refreshed)
        #expect(core.tick(at: t0 + .seconds(60)).isEmpty)
        #expect(core.tick(at: t0 + .milliseconds(89_999)).isEmpty)
        #expect(core.tick(at: t0 + .seconds(90)).map(\.at) == [t0 + .seconds(90)])
    }

    @Test func anyCommandFromTheSourceRefreshesAllItsCommands() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: t0))
        try core.accept(.chargepoint(.minimum, from: Fixture.ems, at: t0 + .seconds(50)))
        #expect(core.tick(at: t0 + .seconds(100)).isEmpty)
        #expect(core.tick(at: t0 + .seconds(110)).count == 2)
    }

    @Test func refreshFromAnUnknownSourceIsRefused() {
        var core = Fixture.core()
        let refreshed = core.refresh("nobody", at: t0)
        #expect(!refreshed)
    }

    @Test func rejectedCommandDoesNotRefreshTheWatchdog() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: t0))
        let invalid = Command.ess(.limitCharge(maxChargePower: -5), from: Fixture.ems, at: t0 + .seconds(50))
        #expect(throws: CommandRejection.self) { try core.apply(invalid, at: t0 + .seconds(50)).get() }
        #expect(core.tick(at: t0 + .seconds(60)).count == 1)
    }

    @Test func eachSourceHasItsOwnTimeout() throws {
        var core = Fixture.core(sources: [Source(id: "fast", priority: 1, watchdogTimeout: .seconds(5))])
        try core.accept(.ess(.noCharge, from: "fast", at: t0))
        #expect(core.tick(at: t0 + .milliseconds(4_999)).isEmpty)
        #expect(core.tick(at: t0 + .seconds(5)).map(\.reason) == [.watchdog])
    }

    @Test func explicitDurationRunsWithoutRefreshAndThenEnds() throws {
        var core = Fixture.core()
        let command = Command.ess(.forceCharge(power: 1_000), from: Fixture.ems, at: t0, end: .after(.seconds(300)))
        try core.accept(command)
        #expect(core.tick(at: t0 + .seconds(200)).isEmpty, "no watchdog for a command with an end")
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .seconds(299)).ess.setpoint == -1_000)
        #expect(
            core.tick(at: t0 + .seconds(300))
                == [Expiration(command: command, reason: .durationEnded, at: t0 + .seconds(300))])
    }

    @Test func explicitEndInstantEndsTheCommand() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noCharge, from: Fixture.ems, at: t0, end: .at(t0 + .seconds(10))))
        #expect(core.tick(at: t0 + .seconds(10)).map(\.reason) == [.durationEnded])
    }

    @Test func remainingTimeCountsDownToTheDeadline() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noDischarge, from: Fixture.ems, at: t0))
        let decision = core.decide(site: Fixture.batteries(), at: t0 + .milliseconds(20_500))
        let active = decision.activeCommand(for: .essCluster)
        #expect(active?.remaining == .milliseconds(39_500))
        #expect(active?.secondsLeft == 40)
        #expect(active?.priority == 10)
    }

    @Test func expiryAppliesTheConfiguredFallback() throws {
        var core = Fixture.core(fallbacks: [.essCluster: .ess(.noDischarge)])
        try core.accept(.ess(.setPower(2_000), from: Fixture.ems, at: t0))
        let during = core.decide(site: Fixture.batteries(), at: t0 + .seconds(1))
        #expect(during.active.map(\.command.origin) == [.source(Fixture.ems)])
        #expect(during.ess.setpoint == 2_000)

        let expired = core.tick(at: t0 + .seconds(60))
        #expect(expired.map(\.reason) == [.watchdog])
        let after = core.decide(site: Fixture.batteries(), at: t0 + .seconds(60))
        #expect(
            after.active == [
                ActiveCommand(
                    command: CommandRef(origin: .fallback, target: .essCluster, mode: .ess(.noDischarge)),
                    priority: nil, issuedAt: nil, remaining: nil)
            ])
        #expect(after.devices.map(\.order) == [.limits(min: nil, max: 0), .limits(min: nil, max: 0)])
    }

    @Test func durationEndAppliesTheConfiguredFallback() throws {
        var core = Fixture.core(fallbacks: [.chargepointCluster: .chargepoint(.zero)])
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0, end: .after(.seconds(600))))
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(599)).order("cp1") == .current(16))
        #expect(core.tick(at: t0 + .seconds(600)).map(\.reason) == [.durationEnded])
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(600)).order("cp1") == .current(0))
    }

    @Test func releaseReturnsTheTargetToItsFallback() throws {
        var core = Fixture.core(fallbacks: [.essCluster: .ess(.noCharge)])
        try core.accept(.ess(.setPower(1_000), from: Fixture.ems, at: t0))
        #expect(core.release(source: Fixture.ems, target: .essCluster).count == 1)
        let decision = core.decide(site: Fixture.batteries(), at: t0)
        #expect(decision.activeCommand(for: .essCluster)?.command.origin == .fallback)
        #expect(decision.order("bat1") == .limits(min: 0, max: nil))
    }

    @Test func autoCommandHoldsTheTargetOffItsFallback() throws {
        var core = Fixture.core(fallbacks: [.essCluster: .ess(.noDischarge)])
        try core.accept(.ess(.auto, from: Fixture.ems, at: t0))
        let decision = core.decide(site: Fixture.batteries(), at: t0)
        #expect(decision.devices.map(\.order) == [.auto, .auto])
        #expect(decision.activeCommand(for: .essCluster)?.command.origin == .source(Fixture.ems))
    }
}
