import Vocabulary

/// The site around the simulated devices (the site file's `simulation:` section): what the
/// loads draw and what the PV produces, as simple deterministic profiles of time, so that the
/// simulated grid meter has a balance to report.
public struct SiteProfile: Sendable, Hashable {
    /// The loads' mean power, W.
    public var load: Double
    /// How far the loads swing around ``load`` (a sine), W.
    package var loadSwing: Double
    /// The period of the swing.
    package var loadPeriod: Duration
    /// The PV's power at noon, W.
    package var pvPeak: Double
    /// The time of day when the simulation starts (0 = midnight).
    public var start: Duration
    /// How long a simulated day lasts: 24 h in real time, shorter for a demo; zero holds the
    /// time of day at ``start`` (a still sun, for tests).
    package var dayLength: Duration

    public init(
        load: Double = 2000, loadSwing: Double = 0, loadPeriod: Duration = .seconds(600), pvPeak: Double = 0,
        start: Duration = .seconds(12 * 3600), dayLength: Duration = .seconds(24 * 3600)
    ) {
        self.load = load
        self.loadSwing = loadSwing
        self.loadPeriod = loadPeriod
        self.pvPeak = pvPeak
        self.start = start
        self.dayLength = dayLength
    }

    /// The loads' power `elapsed` after the start, W ≥ 0.
    public func load(at elapsed: Duration) -> Double {
        let period = loadPeriod.seconds
        let swing = period > 0 ? loadSwing * sin(2 * Double.pi * elapsed.seconds / period) : 0
        return max(0, load + swing)
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
