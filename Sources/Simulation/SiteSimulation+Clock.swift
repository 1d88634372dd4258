import Foundation
import Synchronization
import Vocabulary

/// The thread that advances a simulation in real time.
final class RealTimeClock: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// The clock thread, so that a simulation released on it does not wait for itself.
    private let thread = Mutex<pthread_t?>(nil)

    init(tick: Duration, advance: @escaping @Sendable (Duration) -> Bool) {
        Thread.detachNewThread { [self] in
            thread.withLock { $0 = pthread_self() }
            let clock = ContinuousClock()
            var last = clock.now
            while !self.stopping.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: tick.seconds)
                let now = clock.now
                if !advance(now - last) { break }
                last = now
            }
            self.finished.signal()
        }
    }

    /// Ends the thread and waits for it.
    func stop() {
        stopping.store(true, ordering: .releasing)
        if let thread = thread.withLock({ $0 }), pthread_equal(thread, pthread_self()) != 0 { return }
        finished.wait()
    }
}

extension SiteSimulation {
    /// Advances the physics in real time, every `tick`, on a thread of its own, until
    /// ``stopClock()`` or ``stop()``.
    public func startClock(tick: Duration = .milliseconds(100)) {
        clock.withLock { clock in
            guard clock == nil else { return }
            clock = RealTimeClock(tick: tick) { [weak self] elapsed in
                guard let self else { return false }
                self.advance(by: elapsed)
                return true
            }
        }
    }

    /// Stops the real-time clock; time then moves only with ``advance(by:)``.
    package func stopClock() {
        let running = clock.withLock { clock in
            defer { clock = nil }
            return clock
        }
        running?.stop()
    }
}
