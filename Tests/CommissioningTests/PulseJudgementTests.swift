import Testing

@testable import Commissioning

/// The verdict on a pulse: right sign and roughly right size pass; an inverted sign, a scale
/// off by ten and a device that does not move fail, each saying which.
struct PulseJudgementTests {
    @Test(arguments: [
        (-250.0, -240.0, Verdict.pass), (-250, -480, .pass), (250, 130, .pass),
        (-250, 250, .fail), (250, -240, .fail),
        (-250, -2500, .fail), (-250, -25, .fail),
        (250, 3, .fail), (250, 90, .warn),
    ])
    func verdicts(expected: Double, measured: Double, verdict: Verdict) {
        let check = PulseJudgement.judge("pulse", expected: expected, measured: measured, what: "order")
        #expect(check.verdict == verdict, "\(check.evidence)")
        #expect(check.point == "active_power")
    }

    @Test func saysWhatIsWrong() {
        #expect(
            PulseJudgement.judge("pulse", expected: -250, measured: 251, what: "FORCE_CHARGE 250 W").evidence
                == "FORCE_CHARGE 250 W: expected ≈ -250 W, read +251 W: it moved the wrong way; the sign of active_power (or of the set-point its recipe writes) is inverted in the map"
        )
        #expect(
            PulseJudgement.judge("pulse", expected: 250, measured: 2500, what: "x").evidence.contains(
                "10 × the order; the scale of active_power"))
        #expect(
            PulseJudgement.judge("pulse", expected: 250, measured: 0, what: "x").evidence.hasSuffix(
                "the device did not follow the order"))
        #expect(PulseJudgement.judge("pulse", expected: 250, measured: nil, what: "x").verdict == .fail)
    }

    @Test func plausibility() {
        #expect(PlausibilityRules.powerCheck(5500, rating: 5000).verdict == .pass)
        #expect(PlausibilityRules.powerCheck(50_000, rating: 5000).verdict == .fail)
        #expect(PlausibilityRules.powerCheck(50_000, rating: nil).verdict == .pass)
        let phases = ["active_power_l1": 1000.0, "active_power_l2": 1000, "active_power_l3": 1000]
        #expect(PlausibilityRules.phaseCheck(phases.merging(["active_power": 3020]) { $1 })?.verdict == .pass)
        #expect(PlausibilityRules.phaseCheck(phases.merging(["active_power": 1000]) { $1 })?.verdict == .fail)
        #expect(PlausibilityRules.phaseCheck(["active_power": 1000]) == nil)
    }
}
