import ServiceLifecycle
import Synchronization

/// A one-time event services wait for: the start gate the devices and the control loop wait
/// behind until everything toward the masters listens, or a listener's closing. A waiter that
/// is cancelled or asked to shut down gracefully first gives up, and so does every other: the
/// program is stopping.
public final class Latch: Sendable {
    private let state = Mutex(State.closed([]))

    private enum State {
        case closed([CheckedContinuation<Bool, Never>])
        case open
        case abandoned
    }

    public init() {}

    /// Lets every waiter go on, now and from now on.
    public func open() { settle(.open) }

    /// Lets no waiter go on: the program stops before the event.
    public func abandon() { settle(.abandoned) }

    /// Waits until the latch opens: true, or false when it was abandoned, or the waiting task
    /// was cancelled or asked to shut down gracefully first.
    public func wait() async -> Bool {
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
                let answer: Bool? = state.withLock { state in
                    switch state {
                    case .open: return true
                    case .abandoned: return false
                    case .closed(var waiters):
                        waiters.append(waiter)
                        state = .closed(waiters)
                        return nil
                    }
                }
                if let answer { waiter.resume(returning: answer) }
            }
        } onCancelOrGracefulShutdown: {
            self.abandon()
        }
    }

    private func settle(_ outcome: State) {
        let waiters: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard case .closed(let waiters) = state else { return [] }
            state = outcome
            return waiters
        }
        let opened = if case .open = outcome { true } else { false }
        for waiter in waiters { waiter.resume(returning: opened) }
    }
}
