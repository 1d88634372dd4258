import Dispatch
import Foundation
import Synchronization

/// Turns SIGTERM, SIGINT and SIGHUP into values the main thread waits for. `prepare` must run
/// before any other thread starts, so that every thread inherits the unblocked mask (a parent
/// such as a test runner may have blocked them).
final class SignalWaiter: @unchecked Sendable {
    // @unchecked Sendable: `sources` is set once in `init` and only kept alive afterwards;
    // `received` is a Mutex and the semaphore is thread-safe.
    private let received = Mutex<[Int32]>([])
    private let arrived = DispatchSemaphore(value: 0)
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
                received.withLock { $0.append(number) }
                arrived.signal()
            }
            source.resume()
            made.append(source)
        }
        sources = made
    }

    /// Blocks until the next signal arrives and returns it.
    func next() -> Int32 {
        arrived.wait()
        return received.withLock { $0.removeFirst() }
    }
}
