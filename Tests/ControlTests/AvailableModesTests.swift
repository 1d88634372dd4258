import Control
import Testing
import Vocabulary

@Suite struct AvailableModesTests {
    private let basic: Set<ModeKind> = [.ess(.auto), .ess(.noDischarge), .ess(.setPower)]

    @Test func clusterOffersWhatEveryOnlineBatteryCanCarryOut() {
        let site = Fixture.batteries(Fixture.battery("bat1", supportedModes: basic), Fixture.battery("bat2"))
        let modes = ControlCore.modes(for: .essCluster, in: site)
        // SET_POWER carries the grid modes and CHARGE_TO_SOC out, so they come with it.
        #expect(
            modes == [
                .ess(.auto), .ess(.noDischarge), .ess(.setPower), .ess(.gridSetpoint), .ess(.gridLimit),
                .ess(.chargeToSoc),
            ])
        #expect(modes.bitmask == 0b111_1000_0011)
        #expect(ControlCore.modes(for: .device("bat2"), in: site) == ModeKind.allEss)
    }

    @Test func offlineBatteryNeitherOffersNorRestrictsModes() {
        let site = Fixture.batteries(
            Fixture.battery("bat1", online: false, supportedModes: basic), Fixture.battery("bat2"))
        #expect(ControlCore.modes(for: .essCluster, in: site) == ModeKind.allEss)
        #expect(ControlCore.modes(for: .device("bat1"), in: site).isEmpty)
    }

    @Test func targetWithoutOnlineDevicesOffersNothing() {
        let site = Fixture.batteries(Fixture.battery("bat1", online: false), Fixture.battery("bat2", online: false))
        #expect(ControlCore.modes(for: .essCluster, in: site).isEmpty)
        #expect(ControlCore.modes(for: .chargepointCluster, in: site).isEmpty)
    }

    @Test func autoIsOfferedEvenWhenTheMapDeclaresNothing() {
        let site = Fixture.batteries(Fixture.battery("bat1", supportedModes: []), Fixture.battery("bat2"))
        #expect(ControlCore.modes(for: .essCluster, in: site) == [.ess(.auto)])
    }

    @Test func chargepointClusterOffersTheCommonModes() {
        let site = SiteSnapshot(devices: [
            Fixture.chargepoint("cp1", supportedModes: [.chargepoint(.zero), .chargepoint(.force)]),
            Fixture.chargepoint("cp2"),
        ])
        #expect(ControlCore.modes(for: .chargepointCluster, in: site) == [.chargepoint(.zero), .chargepoint(.force)])
    }

    @Test func decisionListsTheModesOfEveryTarget() {
        var core = Fixture.core()
        let decision = core.decide(site: Fixture.site, at: Fixture.t0)
        #expect(
            decision.availableModes.map(\.target) == [
                .essCluster, .chargepointCluster, .device("bat1"), .device("bat2"), .device("cp1"), .device("cp2"),
            ])
        // CHARGE_ENERGY needs an energy counter, which the fixture's chargepoints do not report.
        #expect(
            decision.modes(for: .chargepointCluster)?.modes
                == ModeKind.allChargepoint.filter { $0 != .chargepoint(.chargeEnergy) })
        #expect(decision.modes(for: .essCluster)?.heldBy == nil)
    }

    @Test func unavailableModeLosesWithItsReason() throws {
        var core = Fixture.core()
        try core.accept(.ess(.limitCharge(maxChargePower: 1_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", supportedModes: basic), Fixture.battery("bat2"))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.lost.map(\.reason) == [.modeUnavailable])
        #expect(decision.devices.map(\.order) == [.auto, .auto])
        #expect(decision.active.isEmpty)
    }

    @Test func commandWithoutOnlineDevicesLosesWithItsReason() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(1_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", online: false), Fixture.battery("bat2"))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.lost.map(\.reason) == [.noOnlineDevice])
        #expect(decision.lost.map(\.scope) == [.device("bat1")])
    }

    @Test func modesShowWhichHigherPriorityCommandWouldOverrideThem() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(2_000), from: Fixture.local, at: Fixture.t0))
        let decision = core.decide(site: Fixture.site, at: Fixture.t0)
        let cluster = try #require(decision.modes(for: .essCluster))
        #expect(cluster.heldBy?.command.origin == .source(Fixture.local))
        #expect(cluster.isOverridden(forPriority: 10))
        #expect(!cluster.isOverridden(forPriority: 20), "an equal priority wins by being newer")
        #expect(decision.modes(for: .device("bat1"))?.heldBy?.command.target == .essCluster)
        #expect(decision.modes(for: .chargepointCluster)?.heldBy == nil)
    }

    @Test func autoAndFallbacksHoldNothing() throws {
        var core = Fixture.core(fallbacks: [.chargepointCluster: .chargepoint(.zero)])
        try core.accept(.ess(.auto, from: Fixture.local, at: Fixture.t0))
        let decision = core.decide(site: Fixture.site, at: Fixture.t0)
        #expect(decision.availableModes.allSatisfy { $0.heldBy == nil })
    }

    @Test func previewTellsWhetherACommandWouldLose() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(2_000), from: Fixture.local, at: Fixture.t0))
        let preview = try core.preview(
            .ess(.noDischarge, from: Fixture.ems, at: Fixture.t0), site: Fixture.site, at: Fixture.t0
        ).get()
        #expect(preview.losses(of: Fixture.ems, on: .essCluster).count == 1)
        #expect(core.commandsHeld.count == 1, "a preview changes nothing")
    }
}
