import Vocabulary

/// The site around the simulated devices (the site file's `simulation:` section): what the
/// loads draw and what the PV produces, as deterministic profiles of simulated time, so that the
/// simulated grid meter has a balance to report. The loads are a base, a sine swing, switched
/// steps and noise; the same profile and seed give the same loads at the same instant, however
/// the simulation is stepped.
public struct SiteProfile: Sendable, Hashable {
    /// The loads' mean power, W.
    public var load: Double
    /// How far the loads swing around ``load`` (a sine), W.
    package var loadSwing: Double
    /// The period of the swing.
    package var loadPeriod: Duration
    /// Loads switched on and off on top of the base and the swing.
    package var loadSteps: [LoadStep]
    /// When set, the steps repeat with this period; else they happen once.
    package var loadStepPeriod: Duration?
    /// The standard deviation of the loads' noise, W: a new value every ``noiseInterval``.
    package var loadNoise: Double
    /// Seeds the noise.
    package var seed: UInt64
    /// The PV's power at noon, W.
    package var pvPeak: Double
    /// The time of day when the simulation starts (0 = midnight).
    public var start: Duration
    /// How long a simulated day lasts: 24 h in real time, shorter for a demo; zero holds the
    /// time of day at ``start`` (a still sun, for tests).
    package var dayLength: Duration

    public init(
        load: Double = 2000, loadSwing: Double = 0, loadPeriod: Duration = .seconds(600), pvPeak: Double = 0,
        start: Duration = .seconds(12 * 3600), dayLength: Duration = .seconds(24 * 3600), loadSteps: [LoadStep] = [],
        loadStepPeriod: Duration? = nil, loadNoise: Double = 0, seed: UInt64 = 1
    ) {
        self.load = load
        self.loadSwing = loadSwing
        self.loadPeriod = loadPeriod
        self.loadSteps = loadSteps
        self.loadStepPeriod = loadStepPeriod
        self.loadNoise = loadNoise
        self.seed = seed
        self.pvPeak = pvPeak
        self.start = start
        self.dayLength = dayLength
    }

    /// How long one noise value lasts.
    package static let noiseInterval: Duration = .seconds(1)

    /// The loads' power `elapsed` after the start, W ≥ 0: base, swing, the steps that are on,
    /// and noise.
    public func load(at elapsed: Duration) -> Double {
        let period = loadPeriod.seconds
        let swing = period > 0 ? loadSwing * sin(2 * Double.pi * elapsed.seconds / period) : 0
        var time = elapsed
        if let stepPeriod = loadStepPeriod, stepPeriod > .zero {
            time = .milliseconds(elapsed.milliseconds.truncatingRemainder(dividingBy: stepPeriod.milliseconds))
        }
        let steps = loadSteps.filter { $0.isOn(at: time) }.reduce(0) { $0 + $1.power }
        return max(0, load + swing + steps + noise(at: elapsed))
    }

    /// The noise `elapsed` after the start, W: normally distributed with ``loadNoise`` as its
    /// standard deviation (cut at three), one value per ``noiseInterval``, a pure function of
    /// the seed and the interval's index.
    package func noise(at elapsed: Duration) -> Double {
        guard loadNoise > 0 else { return 0 }
        let index = UInt64(max(0, (elapsed.milliseconds / Self.noiseInterval.milliseconds).rounded(.down)))
        // Box–Muller over two uniform numbers in (0, 1] from the seed and the index.
        let first = Self.uniform(seed, 2 &* index)
        let second = Self.uniform(seed, 2 &* index &+ 1)
        let normal = (-2 * log(first)).squareRoot() * cos(2 * Double.pi * second)
        return loadNoise * min(3, max(-3, normal))
    }

    /// A number in (0, 1] from SplitMix64 over the seed and a counter.
    private static func uniform(_ seed: UInt64, _ counter: UInt64) -> Double {
        var z = seed &+ (counter &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 1) / Double(UInt64(1) << 53)
    }

    /// The PV's power `elapsed` after the start, W ≥ 0: a half sine from 6:00 to 18:00.
    public func pv(at elapsed: Duration) -> Double {
        let day = dayLength.seconds
        guard pvPeak > 0 else { return 0 }
        let startFraction = start.seconds / (24 * 3600)
        let fraction =
            day > 0 ? (startFraction + elapsed.seconds / day).truncatingRemainder(dividingBy: 1) : startFraction
        let light = (fraction - 0.25) / 0.5  // 0 at 6:00, 1 at 18:00
        guard (0...1).contains(light) else { return 0 }
        return pvPeak * sin(Double.pi * light)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
