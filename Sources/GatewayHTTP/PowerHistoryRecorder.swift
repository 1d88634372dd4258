public import Foundation
public import GatewayState
public import ServiceLifecycle

/// Feeds a `PowerHistory` with the gateway's snapshot every `interval` of the history, from the
/// moment it runs until a graceful shutdown or cancellation: the status page's last hour.
public struct PowerHistoryRecorder: Service {
    /// What it records into.
    public let history: PowerHistory
    private let snapshot: @Sendable () -> GatewaySnapshot
    private let clock: PacingClock
    private let wallClock: @Sendable () -> Date

    /// A recorder of `snapshot` into `history`, paced by `clock`, its samples stamped with
    /// `wallClock` (both for tests).
    public init<C: Clock<Duration>>(
        history: PowerHistory, snapshot: @escaping @Sendable () -> GatewaySnapshot, clock: C = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.history = history
        self.snapshot = snapshot
        self.clock = PacingClock(clock)
        self.wallClock = wallClock
    }

    /// Records one sample now and one every interval; a graceful shutdown ends the wait.
    public func run() async {
        let history = history
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                history.record(snapshot(), at: wallClock())
                try? await clock.sleep(for: history.interval)
            }
        }
    }
}
