/// How the pulse tests of `busbar commission --pulse` move the devices.
public struct PulseSettings: Sendable, Hashable {
    /// How long each pulse holds its order (10 s by default).
    public var duration: Duration
    /// The share of a battery's power rating it charges and discharges with (5 %).
    public var share: Double
    /// How long to wait for the devices to come online before pulsing.
    public var onlineTimeout: Duration

    public init(duration: Duration = .seconds(10), share: Double = 0.05, onlineTimeout: Duration = .seconds(15)) {
        self.duration = duration
        self.share = share
        self.onlineTimeout = onlineTimeout
    }

    /// The command source of the pulses, above every source of the site.
    public static let source = "commission"
}
