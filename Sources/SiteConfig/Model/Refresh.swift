/// The device forgets a set-point unless it is sent again within its validity time (Alfen
/// ValidityTime, SMA and SunSpec revert timers): the gateway re-sends the active recipe every
/// ``interval``.
public struct Refresh: Sendable, Hashable {
    public var interval: Duration

    public init(interval: Duration) {
        self.interval = interval
    }
}
