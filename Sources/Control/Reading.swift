/// One reading of a device value with the instant it was taken: what the control core needs to
/// tell a fresh value from a stale one, and a new sample from the one it has seen.
public struct Reading: Hashable, Sendable {
    public var value: Double
    /// When the value was read; `nil` when its time is not known (it counts as fresh).
    public var at: ControlInstant?

    public init(_ value: Double, at: ControlInstant?) {
        self.value = value
        self.at = at
    }

    /// Its age at `now`; zero when its time is not known.
    public func age(at now: ControlInstant) -> Duration {
        at.map { $0.duration(to: now) } ?? .zero
    }
}
