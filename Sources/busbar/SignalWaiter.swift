import Dispatch
import Foundation

/// Turns SIGTERM, SIGINT and SIGHUP into values the main thread waits for. `prepare` must run
/// before any other thread starts, so that every thread inherits the unblocked mask (a parent
/// such as a test runner may have blocked them).
final class SignalWaiter: @unchecked Sendable {
    // @unchecked Sendable: `sources` is set once in `init` and only kept alive afterwards;
    // `received` is read and written with `condition` locked.
    private let condition = NSCondition()
    private var received: [Int32] = []
    private var sources: [any DispatchSourceSignal] = []

    init(_ signals: [Int32]) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in signals { sigaddset(&mask, number) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        var made: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                condition.withLock {
                    received.append(number)
                    condition.broadcast()
                }
            }
            source.resume()
            made.append(source)
        }
        sources = made
    }

    /// Blocks until the next signal arrives and returns it.
    func next() -> Int32 {
        condition.withLock {
            while received.isEmpty { condition.wait() }
            return received.removeFirst()
        }
    }

    /// Runs `work` on a thread of its own and returns what it returns, or nil as soon as one of
    /// `stopping` arrives (that signal stays for `next()`; the work ends on its own, unwaited).
    /// Other signals wait for `next()`.
    func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value, unlessAny stopping: Set<Int32>) -> Value? {
        let outcome = Outcome<Value>()
        Thread.detachNewThread { [self] in
            let value = work()
            condition.withLock {
                outcome.value = value
                condition.broadcast()
            }
        }
        return condition.withLock {
            while true {
                if received.contains(where: stopping.contains) { return nil }
                if let value = outcome.value { return value }
                condition.wait()
            }
        }
    }

    /// What `run`'s work returned.
    private final class Outcome<Value: Sendable>: @unchecked Sendable {
        // @unchecked Sendable: read and written with the waiter's `condition` locked.
        var value: Value?
    }
}
