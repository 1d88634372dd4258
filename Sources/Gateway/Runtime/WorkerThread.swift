import Foundation
import Vocabulary

/// A dedicated thread that sleeps until it is woken, a timeout passes, or it is asked to stop:
/// the shape of every long-running loop of the runtime (an endpoint's connection, the control
/// loop). Blocking work belongs on such a thread, never on Swift's cooperative pool.
final class WorkerThread: @unchecked Sendable {
    // @unchecked Sendable: `woken` and `stopping` are only touched under `condition`.
    private let name: String
    private let condition = NSCondition()
    private var woken = false
    private var stopping = false
    private var started = false
    private let finished = DispatchSemaphore(value: 0)

    init(name: String) {
        self.name = name
    }

    /// Runs `body` on the thread; `body` loops with `wait(upTo:)` until that returns false.
    func start(_ body: @escaping @Sendable (WorkerThread) -> Void) {
        condition.lock()
        started = true
        condition.unlock()
        let thread = Thread { [self] in
            body(self)
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Sleeps until woken or `timeout` passes (returns at once if a wake came meanwhile);
    /// false once the thread should end.
    func wait(upTo timeout: Duration) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !woken && !stopping {
            _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, timeout.seconds)))
        }
        woken = false
        return !stopping
    }

    /// Ends the current or next wait early.
    func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// Asks the loop to end and waits until it has; harmless when never started or already stopped.
    func stop() {
        condition.lock()
        let wasRunning = started && !stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if wasRunning { finished.wait() }
    }
}
