import Foundation
import ServiceLifecycle
import Synchronization

/// Blocking calls (a connection's stop, a site file's loading, a reload that waits for the
/// endpoint threads) made from a service: each runs on a thread of its own, so Swift's
/// cooperative pool never blocks.
public enum OffPool {
    /// Runs `work` on a new thread and returns what it returned.
    public static func run<Value: Sendable>(
        _ name: String, _ work: @escaping @Sendable () -> Value
    ) async -> Value {
        await withCheckedContinuation { (done: CheckedContinuation<Value, Never>) in
            let thread = Thread { done.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }
}

extension OffPool {
    /// Runs `work` on a new thread and returns what it returned, or nil as soon as the calling
    /// task is cancelled or asked to shut down gracefully (the work then ends on its own,
    /// unwaited: only for work that changes nothing, such as loading a file).
    public static func runUnlessStopping<Value: Sendable>(
        _ name: String, _ work: @escaping @Sendable () -> Value
    ) async -> Value? {
        let waiter = Mutex<CheckedContinuation<Value?, Never>?>(nil)
        let answer = { @Sendable (value: Value?) in waiter.withLock { $0.take() }?.resume(returning: value) }
        return await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                waiter.withLock { $0 = continuation }
                if Task.isCancelled || Task.isShuttingDownGracefully { answer(nil) }
                let thread = Thread { answer(work()) }
                thread.name = name
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            answer(nil)
        }
    }
}
