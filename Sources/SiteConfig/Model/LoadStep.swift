/// A load that switches on and off in a simulated site (a kettle, a heat pump, a machine):
/// `power` W more from `at` on, for `duration` or to the end. A negative power is a load that
/// switches off.
public struct LoadStep: Sendable, Hashable {
    /// Since the start of the simulation, or of each period when the steps repeat.
    public var at: Duration
    /// W added to the loads while the step is on.
    public var power: Double
    /// How long it stays on; `nil`: to the end (or to the end of the period).
    public var duration: Duration?

    public init(at: Duration, power: Double, duration: Duration? = nil) {
        self.at = at
        self.power = power
        self.duration = duration
    }

    /// Whether the step is on at `time` (since the start, or into the period).
    func isOn(at time: Duration) -> Bool {
        time >= at && duration.map { time < at + $0 } ?? true
    }
}
