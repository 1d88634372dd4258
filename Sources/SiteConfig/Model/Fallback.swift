/// What the real device does by itself when nobody refreshes it: after ``after`` without a
/// write it applies ``writes`` (Alfen: the safe current). The simulator imitates it; the gateway
/// knows what to expect.
public struct Fallback: Sendable, Hashable {
    public var after: Duration
    public var writes: [WriteStep]

    public init(after: Duration, writes: [WriteStep]) {
        self.after = after
        self.writes = writes
    }
}
