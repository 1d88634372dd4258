import Control
import Testing
import Vocabulary

/// Ordered currents are multiples of each chargepoint's current step, rounded down, so that no
/// limit is exceeded once a register takes them.
@Suite struct CurrentStepTests {
    private func decide(_ commands: [Command], site: SiteSnapshot) throws -> Decision {
        var core = Fixture.core()
        for command in commands { try core.accept(command) }
        return core.decide(site: site, at: Fixture.t0)
    }

    private func current(_ decision: Decision, _ id: DeviceID) -> Amperes? {
        guard case .current(let current) = decision.order(id) else { return nil }
        return current
    }

    @Test func defaultStepIsATenthOfAnAmpere() {
        #expect(ChargepointTelemetry(maxCurrent: 16, phases: .three).currentStep == 0.1)
    }

    @Test func parkLimitIsNotExceededWhenAChargepointTakesWholeAmperes() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1"), Fixture.chargepoint("cp2", currentStep: 1)])
        let decision = try decide([.chargepoint(.limit(current: 15), from: Fixture.ems, at: Fixture.t0)], site: site)
        #expect(current(decision, "cp2") == 7, "7.5 A rounded down to whole amperes")
        let first = try #require(current(decision, "cp1"))
        #expect(abs(first - 8) < 1e-9, "the half ampere left goes to the chargepoint that can take it")
        #expect(first + 7 <= 15 + 1e-9)
        #expect(decision.chargepoints.current <= 15 + 1e-9)
    }

    @Test func deviceLimitIsRoundedDownToTheStep() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1", currentStep: 1)])
        let decision = try decide(
            [.chargepoint(.limit(current: 10.7), from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(10))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.limit(current: 10))])
    }

    @Test func forceRoundsTheMaximumDownToTheStep() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1", maxCurrent: 16.5, currentStep: 1)])
        let decision = try decide(
            [.chargepoint(.force, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(16))
        #expect(decision.device("cp1")?.recipes == [.chargepoint(.force)])
    }

    @Test func roundingNeverLiftsAShareToTheMinimum() throws {
        let site = SiteSnapshot(devices: [
            Fixture.chargepoint("cp1", currentStep: 1), Fixture.chargepoint("cp2", currentStep: 1),
        ])
        let decision = try decide([.chargepoint(.limit(current: 11.5), from: Fixture.ems, at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(11))
        #expect(decision.order("cp2") == .current(0))
    }

    @Test func stepOfSeveralAmperesOrdersItsMultiples() throws {
        let site = SiteSnapshot(devices: [Fixture.chargepoint("cp1", maxCurrent: 32, currentStep: 4)])
        let decision = try decide(
            [.chargepoint(.limit(current: 15), from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)], site: site)
        #expect(decision.order("cp1") == .current(12))
        let minimum = try decide(
            [.chargepoint(.minimum, from: Fixture.ems, on: .device("cp1"), at: Fixture.t0)], site: site)
        #expect(minimum.order("cp1") == .current(8), "the 6 A minimum rounded up to a step")
    }

    @Test func stepOfZeroTakesAnyCurrent() throws {
        let site = SiteSnapshot(devices: [
            Fixture.chargepoint("cp1", currentStep: 0), Fixture.chargepoint("cp2", currentStep: 0),
        ])
        let decision = try decide([.chargepoint(.limit(current: 15.05), from: Fixture.ems, at: Fixture.t0)], site: site)
        for id: DeviceID in ["cp1", "cp2"] {
            #expect(abs((current(decision, id) ?? 0) - 7.525) < 1e-9)
        }
    }
}
