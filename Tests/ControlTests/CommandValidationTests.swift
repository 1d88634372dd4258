import Control
import Testing
import Vocabulary

@Suite struct CommandValidationTests {
    private func rejection(of command: Command) -> CommandRejection? {
        var core = Fixture.core()
        guard case .failure(let rejection) = core.apply(command, at: Fixture.t0) else { return nil }
        #expect(core.commandsHeld.isEmpty, "a rejected command changes nothing")
        return rejection
    }

    @Test func commandFromAnUnknownSourceIsRefused() {
        #expect(rejection(of: .ess(.auto, from: "intruder", at: Fixture.t0)) == .unknownSource("intruder"))
    }

    @Test func commandForAnUnknownDeviceIsRefused() {
        let command = Command.ess(.auto, from: Fixture.ems, on: .device("bat9"), at: Fixture.t0)
        #expect(rejection(of: command) == .unknownDevice("bat9"))
    }

    @Test func modeForTheOtherKindOfDeviceIsRefused() {
        #expect(
            rejection(of: .chargepoint(.force, from: Fixture.ems, on: .essCluster, at: Fixture.t0))
                == .modeNotForTarget(mode: "FORCE", target: .essCluster))
        #expect(
            rejection(of: .ess(.noCharge, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0))
                == .modeNotForTarget(mode: "NO_CHARGE", target: .device("cp1")))
    }

    @Test func parameterOutsideItsRangeIsRefused() {
        #expect(
            rejection(of: .ess(.forceCharge(power: -1), from: Fixture.ems, at: Fixture.t0))
                == .parameterOutOfRange(mode: "FORCE_CHARGE", parameter: "power", value: -1, range: 0...1_000_000_000))
        #expect(rejection(of: .ess(.setPower(.infinity), from: Fixture.ems, at: Fixture.t0)) != nil)
        #expect(rejection(of: .chargepoint(.limit(current: -3), from: Fixture.ems, at: Fixture.t0)) != nil)
    }

    @Test func commandThatHasAlreadyEndedIsRefused() {
        #expect(
            rejection(of: .ess(.noCharge, from: Fixture.ems, at: Fixture.t0, end: .after(.zero)))
                == .endNotInFuture(end: Fixture.t0, now: Fixture.t0))
    }

    @Test func acceptedCommandReportsWhenItExpires() throws {
        var core = Fixture.core()
        let receipt = try core.apply(.ess(.noCharge, from: Fixture.ems, at: Fixture.t0), at: Fixture.t0).get()
        #expect(receipt == CommandReceipt(replaced: nil, expiresAt: Fixture.t0 + .seconds(60)))
    }

    @Test func reconfigureDropsCommandsOfRemovedSources() throws {
        var core = Fixture.core()
        try core.accept(.ess(.noCharge, from: Fixture.ems, at: Fixture.t0))
        try core.accept(.ess(.noDischarge, from: Fixture.local, at: Fixture.t0))
        let dropped = core.reconfigure(Fixture.configuration(sources: [Source(id: Fixture.local, priority: 1)]))
        #expect(dropped.map(\.source) == [Fixture.ems])
        #expect(core.commandsHeld.map(\.source) == [Fixture.local])
    }
}
