/// At most `requests` requests in any window of length `window` (a sliding-window log): the
/// receiver's hard limit, 180 per minute for clever-PV. Pure: the caller passes the time, as
/// the time since an origin of its clock that it keeps fixed (a push client: since it was made).
public struct RateLimiter: Sendable, Hashable {
    /// The most requests per window.
    public var requests: Int
    /// The window.
    package var window: Duration
    private var starts: [Duration] = []

    /// clever-PV's limit.
    public static let cleverPV = RateLimiter(requests: 180, per: .seconds(60))

    public init(requests: Int, per window: Duration) {
        precondition(requests > 0 && window > .zero, "a rate limit needs a request and a window")
        self.requests = requests
        self.window = window
    }

    /// Takes a request at `now` and returns `nil`, or returns how long to wait first.
    package mutating func admit(at now: Duration) -> Duration? {
        starts.removeAll { $0 <= now - window }
        if starts.count < requests {
            starts.append(now)
            return nil
        }
        return starts[starts.count - requests] + window - now
    }
}
