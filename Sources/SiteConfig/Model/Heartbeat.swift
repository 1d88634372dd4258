/// A write the device needs regularly to know its master is alive, whatever the mode (the
/// Webasto Next life bit: write 1, the box clears it).
public struct Heartbeat: Sendable, Hashable {
    public var step: WriteStep
    public var interval: Duration

    public init(step: WriteStep, interval: Duration) {
        self.step = step
        self.interval = interval
    }
}
