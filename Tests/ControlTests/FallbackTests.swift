import Control
import Testing
import Vocabulary

/// Fallbacks per target: a cluster's or one device's, with parameters, in force while no
/// command holds the target, and never over a command.
@Suite struct FallbackTests {
    private let t0 = Fixture.t0

    private func fallback(on target: Target, _ mode: Mode) -> CommandRef {
        CommandRef(origin: .fallback, target: target, mode: mode)
    }

    @Test func chargepointClusterLimitTakesOverWhenAForceCommandEndsByWatchdog() throws {
        var core = Fixture.core(fallbacks: [.chargepointCluster: .chargepoint(.limit(current: 6))])
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(59)).order("cp1") == .current(16))

        #expect(core.tick(at: t0 + .seconds(60)).map(\.reason) == [.watchdog])
        let after = core.decide(site: Fixture.site, at: t0 + .seconds(60))
        // The cap is on the sum: the first chargepoint keeps the 6 A minimum, the other is off.
        #expect(after.order("cp1") == .current(6))
        #expect(after.order("cp2") == .current(0))
        #expect(after.device("cp1")?.recipes == [.chargepoint(.limit(current: 6))])
        #expect(after.device("cp2")?.recipes == [.chargepoint(.zero)])
        #expect(
            after.activeCommand(for: .chargepointCluster)?.command
                == fallback(on: .chargepointCluster, .chargepoint(.limit(current: 6))))
    }

    @Test func chargepointClusterZeroSwitchesEveryChargepointOff() throws {
        var core = Fixture.core(fallbacks: [.chargepointCluster: .chargepoint(.zero)])
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        _ = core.tick(at: t0 + .seconds(60))
        let after = core.decide(site: Fixture.site, at: t0 + .seconds(60))
        #expect(after.order("cp1") == .current(0))
        #expect(after.order("cp2") == .current(0))
        #expect(after.device("cp2")?.recipes == [.chargepoint(.zero)])
    }

    @Test func deviceFallbackAppliesToItsDeviceOnly() throws {
        var core = Fixture.core(fallbacks: [.device("cp1"): .chargepoint(.limit(current: 6))])
        try core.accept(.chargepoint(.force, from: Fixture.ems, on: .device("cp1"), at: t0))
        #expect(core.decide(site: Fixture.site, at: t0).order("cp1") == .current(16))
        _ = core.tick(at: t0 + .seconds(60))
        let after = core.decide(site: Fixture.site, at: t0 + .seconds(60))
        #expect(after.order("cp1") == .current(6))
        #expect(after.order("cp2") == .auto)
        #expect(after.activeCommand(for: .device("cp1"))?.command.origin == .fallback)
    }

    @Test func batteryFallbackWithAParameterLimitsItsBattery() throws {
        var core = Fixture.core(fallbacks: [.device("bat1"): .ess(.limitDischarge(maxDischargePower: 1_000))])
        let decision = core.decide(site: Fixture.batteries(), at: t0)
        #expect(decision.order("bat1") == .limits(min: nil, max: 1_000))
        #expect(decision.device("bat1")?.recipes == [.ess(.limitDischarge(maxDischargePower: 1_000))])
        #expect(decision.order("bat2") == .auto)
    }

    @Test func aDeviceFallbackNeverOverridesACommandOnItsCluster() throws {
        var core = Fixture.core(fallbacks: [.device("cp1"): .chargepoint(.zero)])
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        let decision = core.decide(site: Fixture.site, at: t0)
        #expect(decision.order("cp1") == .current(16))
        #expect(!decision.active.contains { $0.command.origin == .fallback })
    }

    @Test func clusterAndDeviceFallbacksCombineWhereTheyAgree() {
        var core = Fixture.core(fallbacks: [
            .chargepointCluster: .chargepoint(.limit(current: 10)), .device("cp2"): .chargepoint(.zero),
        ])
        let decision = core.decide(site: Fixture.site, at: t0)
        #expect(decision.order("cp1") == .current(10))
        #expect(decision.order("cp2") == .current(0))
        #expect(decision.lost.isEmpty)
    }

    /// Why `busbar check` asks every device a fallback reaches for the mode's own recipe: the
    /// core offers a mode only where every online device has it, even where another recipe
    /// could carry the current.
    @Test func aFallbackIsLostWhereADeviceHasNoRecipeForItsMode() {
        let limitOnly = Fixture.chargepoint("cp2", supportedModes: [.chargepoint(.zero), .chargepoint(.limit)])
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1"), limitOnly])
        var core = Fixture.core(fallbacks: [.chargepointCluster: .chargepoint(.minimum)])
        let decision = core.decide(site: site, at: t0)
        #expect(
            decision.lost == [
                LostCommand(
                    command: fallback(on: .chargepointCluster, .chargepoint(.minimum)), scope: .chargepointCluster,
                    reason: .modeUnavailable)
            ])
        #expect(decision.order("cp1") == .auto)
    }

    // MARK: Per source

    /// Two sources name different fallbacks for the chargepoints; the site's own (for a target
    /// no command ever held) is the higher-priority source's.
    private func twoSourcesWithTheirOwnFallbacks() -> ControlCore {
        let sources = [
            Source(id: Fixture.ems, priority: 10, fallbacks: [.chargepointCluster: .chargepoint(.limit(current: 6))]),
            Source(
                id: Fixture.local, priority: 20, watchdogTimeout: .seconds(30),
                fallbacks: [.chargepointCluster: .chargepoint(.zero), .essCluster: .ess(.auto)]),
        ]
        return Fixture.core(sources: sources, fallbacks: [.chargepointCluster: .chargepoint(.zero)])
    }

    @Test func aTargetReturnsToTheFallbackOfTheSourceWhoseCommandEnded() throws {
        var core = twoSourcesWithTheirOwnFallbacks()
        #expect(core.decide(site: Fixture.site, at: t0).order("cp1") == .current(0))
        // The EMS's FORCE ends by its watchdog: the EMS's LIMIT 6 A, not the operator's ZERO.
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        #expect(core.tick(at: t0 + .seconds(60)).map(\.command.source) == [Fixture.ems])
        let afterEms = core.decide(site: Fixture.site, at: t0 + .seconds(60))
        #expect(afterEms.order("cp1") == .current(6))
        #expect(
            afterEms.activeCommand(for: .chargepointCluster)?.command
                == fallback(on: .chargepointCluster, .chargepoint(.limit(current: 6))))
        // Then the operator's FORCE ends: the operator's ZERO.
        try core.accept(.chargepoint(.force, from: Fixture.local, at: t0 + .seconds(61)))
        _ = core.tick(at: t0 + .seconds(91))
        let afterLocal = core.decide(site: Fixture.site, at: t0 + .seconds(91))
        #expect(afterLocal.order("cp1") == .current(0))
        #expect(afterLocal.order("cp2") == .current(0))
    }

    @Test func aReleasedCommandLeavesItsSourcesFallbackToo() throws {
        var core = twoSourcesWithTheirOwnFallbacks()
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        #expect(core.release(source: Fixture.ems).count == 1)
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(1)).order("cp1") == .current(6))
    }

    @Test func ofTwoCommandsEndingTogetherTheHigherPrioritySourcesFallbackApplies() throws {
        var core = twoSourcesWithTheirOwnFallbacks()
        try core.accept(.chargepoint(.force, from: Fixture.ems, at: t0))
        try core.accept(.chargepoint(.force, from: Fixture.local, at: t0))
        _ = core.tick(at: t0 + .seconds(60))
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(60)).order("cp1") == .current(0))
    }

    @Test func aSourcesAutoEntryOverridesTheSitesFallbackOfItsTarget() throws {
        let sources = [
            Source(id: Fixture.ems, priority: 10, fallbacks: [.essCluster: .ess(.auto)]),
            Source(id: Fixture.local, priority: 20, fallbacks: [.essCluster: .ess(.noDischarge)]),
        ]
        var core = Fixture.core(sources: sources, fallbacks: [.essCluster: .ess(.noDischarge)])
        #expect(core.decide(site: Fixture.batteries(), at: t0).order("bat1") == .limits(min: nil, max: 0))
        try core.accept(.ess(.forceDischarge(power: 2_000), from: Fixture.ems, at: t0))
        _ = core.tick(at: t0 + .seconds(60))
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .seconds(60)).order("bat1") == .auto)
    }
}
