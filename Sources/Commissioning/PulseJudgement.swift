import Vocabulary

/// Whether a device's active power followed a pulse's order: the right sign and roughly the
/// right size. This is what catches a map whose sign or scale is wrong, the mistake that makes
/// a site charge when it should discharge.
enum PulseJudgement {
    /// - Parameters:
    ///   - expected: the active power the order should bring (busbar's signs: a battery
    ///     charging is negative), W.
    ///   - measured: the mean active power read while the order held, W; nil when nothing was read.
    ///   - accepted: the share of `expected` that counts as following it.
    static func judge(
        _ name: String, expected: Double, measured: Double?, accepted: ClosedRange<Double> = 0.5...2,
        what: String
    ) -> CommissionCheck {
        let point = TelemetryRole.activePower.pointName
        guard let measured else {
            return CommissionCheck(name, .fail, "no active power read while the order held", point: point)
        }
        let evidence = "\(what): expected ≈ \(signed(expected)) W, read \(signed(measured)) W"
        let ratio = measured / expected
        if accepted.contains(ratio) { return CommissionCheck(name, .pass, evidence, point: point) }
        if ratio <= -0.3 {
            return CommissionCheck(
                name, .fail,
                evidence
                    + ": it moved the wrong way; the sign of active_power (or of the set-point its recipe writes) is inverted in the map",
                point: point)
        }
        if abs(ratio) < 0.05 {
            return CommissionCheck(name, .fail, evidence + ": the device did not follow the order", point: point)
        }
        if ratio > 5 || (ratio > 0 && ratio < 0.2) {
            return CommissionCheck(
                name, .fail,
                evidence
                    + ": \(ModeParameter.format(ratio)) × the order; the scale of active_power (or of the set-point its recipe writes) is off",
                point: point)
        }
        return CommissionCheck(name, .warn, evidence + ": it followed, but not closely", point: point)
    }

    /// `+250`, `-250`, `0`.
    static func signed(_ value: Double) -> String {
        (value > 0 ? "+" : "") + ModeParameter.format(value)
    }
}
