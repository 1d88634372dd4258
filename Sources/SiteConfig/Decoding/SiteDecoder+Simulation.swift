import Vocabulary
import Yams

extension SiteDecoder {
    static let profileKeys = [
        "load", "load_swing", "load_period", "load_steps", "load_step_period", "load_noise", "seed", "pv_peak", "start",
        "day_length",
    ]

    /// `simulation: {load: 3 kW, load_swing: 1 kW, load_period: 10 min, load_steps: [{at: 2 min, power: 3 kW,
    /// for: 1 min}], load_step_period: 10 min, load_noise: 50 W, seed: 7, pv_peak: 8 kW, start: 10 h,
    /// day_length: 1 h}`.
    func decodeProfile(_ reader: MappingReader) -> SiteProfile {
        var profile = SiteProfile()
        guard
            let section = reader.mapping(
                "simulation", context: "simulation",
                expected:
                    "a mapping with load, load_swing, load_period, load_steps, load_noise, pv_peak, start and day_length"
            )
        else {
            return profile
        }
        section.checkKeys(Self.profileKeys)
        for (key, path) in [
            ("load", \SiteProfile.load), ("load_swing", \.loadSwing), ("load_noise", \.loadNoise),
            ("pv_peak", \.pvPeak),
        ] {
            guard let power = section.quantity(key, .power) else { continue }
            if power.value < 0 {
                sink.error(
                    power.location, "\(key): found \(Quantity.format(power.value)) W, expected a power of 0 W or more")
            }
            profile[keyPath: path] = power.value
        }
        if let period = section.duration("load_period") { profile.loadPeriod = period.value }
        if let period = section.duration("load_step_period") { profile.loadStepPeriod = period.value }
        if let day = section.duration("day_length") { profile.dayLength = day.value }
        if let seed = section.integer("seed", in: 0...Int.max, expected: "a whole number of 0 or more") {
            profile.seed = UInt64(seed.value)
        }
        if let start = section.quantity("start", .duration) {
            if !(0..<(24 * 3600)).contains(start.value) {
                sink.error(
                    start.location,
                    "start: found \(Quantity.format(start.value)) s, expected a time of day from 0 h to below 24 h")
            }
            profile.start = .milliseconds(Int64(start.value * 1000))
        }
        profile.loadSteps = decodeLoadSteps(section, period: profile.loadStepPeriod)
        return profile
    }

    /// `load_steps: [{at: 2 min, power: 3 kW, for: 1 min}, …]`: `at` and `power` required, `power`
    /// may be negative (a load switching off), `for` optional (to the end, or of the period).
    private func decodeLoadSteps(_ section: MappingReader, period: Duration?) -> [LoadStep] {
        let expected = "a list of {at: 2 min, power: 3 kW, for: 1 min}"
        guard let items = section.list("load_steps", expected: expected) else { return [] }
        return items.compactMap { item in
            guard
                let step = MappingReader(
                    item, file: file, sink: sink, context: "a load step", expected: "a mapping with at, power and for")
            else { return nil }
            step.checkKeys(["at", "power", "for"])
            let at = step.quantity("at", .duration, required: true)
            let power = step.quantity("power", .power, required: true)
            let length = step.duration("for")
            if let at, at.value < 0 {
                sink.error(at.location, "at: found \(Quantity.format(at.value)) s, expected 0 s or later")
            }
            if let at, let period, at.value >= period.seconds {
                sink.error(
                    at.location,
                    "at: found \(Quantity.format(at.value)) s, expected less than load_step_period \(Quantity.format(period.seconds)) s"
                )
            }
            guard let at, let power else { return nil }
            return LoadStep(
                at: .milliseconds(Int64((at.value * 1000).rounded())), power: power.value, duration: length?.value)
        }
    }
}
