import Dispatch
import Foundation
import Synchronization
import Vocabulary

/// The shape of every long-running loop of the runtime (an endpoint's connection, the control
/// loop): an actor on a serial executor of its own thread (`SerialThreadExecutor`, as GRDB's
/// `DispatchQueueActor` for a database), so that its body may make blocking calls (libmodbus)
/// without ever holding a thread of Swift's cooperative pool. Between steps it sleeps,
/// suspended, until it is woken, a timeout passes on the runtime's clock, or it is asked to stop.
actor RuntimeLoop {
    private nonisolated let executor: SerialThreadExecutor
    private nonisolated let clock: any RuntimeClock
    private nonisolated let state = Mutex(State())
    /// Where `stop()` waits for the end.
    private nonisolated let endCondition = NSCondition()

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private struct State {
        var woken = false
        var stopping = false
        var started = false
        var ended = false
        /// The body's sleep, suspended.
        var sleeper: CheckedContinuation<Void, Never>?
        var endWaiters: [CheckedContinuation<Void, Never>] = []
    }

    init(name: String, clock: any RuntimeClock) {
        executor = SerialThreadExecutor(name: name)
        self.clock = clock
        clock.onAdvance { [weak self] in self?.rouse() }
    }

    /// Runs `body` on the loop's thread; `body` loops with `wait(upTo:)` until that returns
    /// false. Returns when `body` has; at once when the loop ran or was stopped before.
    func run(_ body: @Sendable (isolated RuntimeLoop) async -> Void) async {
        let starts = state.withLock { state in
            guard !state.started && !state.stopping else { return false }
            state.started = true
            return true
        }
        guard starts else { return }
        await body(self)
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.endWaiters = [] }
            return state.endWaiters
        }
        executor.finish()
        endCondition.withLock { endCondition.broadcast() }
        for waiter in waiters { waiter.resume() }
    }

    /// Sleeps until woken or `timeout` passes on the runtime's clock (returns at once if a wake
    /// came meanwhile); false once the loop should end.
    func wait(upTo timeout: Duration) async -> Bool {
        let deadline = clock.now + timeout
        while true {
            let answer: Bool? = state.withLock { state in
                if state.stopping { return false }
                if state.woken {
                    state.woken = false
                    return true
                }
                return nil
            }
            if let answer { return answer }
            if clock.now >= deadline { return true }
            await withCheckedContinuation { (sleeper: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    guard !state.woken && !state.stopping else { return true }
                    state.sleeper = sleeper
                    return false
                }
                if now {
                    sleeper.resume()
                } else if let sleep = clock.realSleep(toward: deadline) {
                    // A timer left over from an earlier sleep only makes this one look again.
                    DispatchQueue.global().asyncAfter(deadline: .now() + sleep.seconds) { [weak self] in self?.rouse() }
                }
            }
        }
    }

    /// Ends the current or next wait early.
    nonisolated func wake() {
        state.withLock { state in
            state.woken = true
            return state.sleeper.take()
        }?.resume()
    }

    /// Asks the loop to end after its current step, without waiting.
    nonisolated func requestStop() {
        state.withLock { state in
            state.stopping = true
            return state.sleeper.take()
        }?.resume()
    }

    /// Returns once the loop has ended (at once when it never started).
    nonisolated func finished() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard state.started && !state.ended else { return true }
                state.endWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Asks the loop to end and blocks until it has: only from a thread of its own (a
    /// reload's, a synchronous caller's), never from the loop or the cooperative pool.
    nonisolated func stop() {
        requestStop()
        endCondition.withLock {
            while state.withLock({ $0.started && !$0.ended }) { endCondition.wait() }
        }
    }

    /// Lets a sleeping body look at the clock again.
    private nonisolated func rouse() {
        state.withLock { $0.sleeper.take() }?.resume()
    }
}
