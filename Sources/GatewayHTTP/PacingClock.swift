/// The clock a long-running service (the push client, the history recorder) paces itself by,
/// with its type erased so that the service need not be generic: the time since the clock was
/// taken, and a sleep on that clock.
struct PacingClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    var now: Duration { elapsed() }

    func sleep(for duration: Duration) async throws { try await sleeper(duration) }
}
