import Foundation
import Vocabulary

/// A dedicated thread that sleeps until it is woken, a timeout passes, or it is asked to stop:
/// the shape of every long-running loop of the runtime (an endpoint's connection, the control
/// loop). Blocking work belongs on such a thread, never on Swift's cooperative pool; a service
/// awaits its end with `finished()` without holding a thread of the pool.
final class WorkerThread: @unchecked Sendable {
    // @unchecked Sendable: every variable is only touched under `condition`.
    private let name: String
    private let clock: any RuntimeClock
    private let condition = NSCondition()
    private var woken = false
    private var stopping = false
    private var started = false
    private var ended = false
    private var endWaiters: [CheckedContinuation<Void, Never>] = []

    init(name: String, clock: any RuntimeClock) {
        self.name = name
        self.clock = clock
        clock.onAdvance { [weak self] in self?.look() }
    }

    /// Runs `body` on the thread; `body` loops with `wait(upTo:)` until that returns false.
    /// A second call, or one after `requestStop()`, does nothing.
    func start(_ body: @escaping @Sendable (WorkerThread) -> Void) {
        let starts = condition.withLock {
            guard !started && !stopping else { return false }
            started = true
            return true
        }
        guard starts else { return }
        let thread = Thread { [self] in
            body(self)
            let waiters = condition.withLock {
                ended = true
                condition.broadcast()
                defer { endWaiters = [] }
                return endWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Sleeps until woken or `timeout` passes on the runtime's clock (returns at once if a
    /// wake came meanwhile); false once the thread should end.
    func wait(upTo timeout: Duration) -> Bool {
        let deadline = clock.now + timeout
        condition.lock()
        defer { condition.unlock() }
        while !woken && !stopping && clock.now < deadline {
            if let sleep = clock.realSleep(toward: deadline) {
                guard condition.wait(until: Date(timeIntervalSinceNow: sleep.seconds)) else { break }
            } else {
                condition.wait()
            }
        }
        woken = false
        return !stopping
    }

    /// Lets a sleeping loop look at the clock again (it was advanced).
    private func look() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the current or next wait early.
    func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// Asks the loop to end after its current step, without waiting for it.
    func requestStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Asks the loop to end and waits until it has; harmless when never started or already stopped.
    func stop() {
        requestStop()
        condition.withLock {
            while started && !ended { condition.wait() }
        }
    }

    /// Returns once the loop has ended (at once when it never started).
    func finished() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = condition.withLock {
                guard started && !ended else { return true }
                endWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }
}
