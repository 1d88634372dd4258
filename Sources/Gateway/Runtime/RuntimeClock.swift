public import Foundation
import Synchronization
import Vocabulary

/// The time the runtime runs on: the monotonic instants its polls, writes, heartbeats and
/// watchdogs are timed with, the wall clock that schedules and the state file speak, and how its
/// threads sleep toward an instant. `SystemRuntimeClock` is real time; `ManualRuntimeClock`
/// moves only when a test advances it, so a 60 s watchdog runs out without a minute's wait.
public protocol RuntimeClock: Sendable {
    /// Now, monotonic.
    var now: ContinuousClock.Instant { get }
    /// Now, on the wall clock.
    var date: Date { get }
    /// How long a thread may sleep in real time toward `deadline` before it looks at `now`
    /// again; nil when only an advance of the clock brings it closer (`onAdvance`).
    func realSleep(toward deadline: ContinuousClock.Instant) -> Duration?
    /// Calls `action` after every advance by other means than real time passing.
    func onAdvance(_ action: @escaping @Sendable () -> Void)
}

/// Real time.
public struct SystemRuntimeClock: RuntimeClock {
    public init() {}
    public var now: ContinuousClock.Instant { .now }
    public var date: Date { Date() }
    public func realSleep(toward deadline: ContinuousClock.Instant) -> Duration? { max(.zero, deadline - .now) }
    public func onAdvance(_ action: @escaping @Sendable () -> Void) {}
}

/// A clock that stands still until `advance(by:)`: the threads of a runtime on it sleep until
/// their instant is reached by an advance (or they are woken), whatever the real time.
public final class ManualRuntimeClock: RuntimeClock {
    private let state: Mutex<(offset: Duration, observers: [@Sendable () -> Void])> = Mutex((.zero, []))
    private let origin = ContinuousClock.now
    private let wallOrigin: Date

    /// - Parameter date: the wall-clock time it starts at.
    public init(date: Date = Date()) { wallOrigin = date }

    public var now: ContinuousClock.Instant { origin + state.withLock { $0.offset } }
    public var date: Date { wallOrigin.addingTimeInterval(state.withLock { $0.offset }.seconds) }
    public func realSleep(toward deadline: ContinuousClock.Instant) -> Duration? { nil }

    public func onAdvance(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.observers.append(action) }
    }

    /// Moves the clock on and lets every sleeping thread look at it.
    public func advance(by duration: Duration) {
        let observers = state.withLock { state in
            state.offset += duration
            return state.observers
        }
        for observer in observers { observer() }
    }
}
