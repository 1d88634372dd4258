import Dispatch
public import Gateway
public import GatewayServices
import Synchronization

/// A site's services run in the background for a synchronous test, as `busbar run` runs them:
/// `init` returns once the devices and the control loop have started, `stop` once the graceful
/// shutdown has ended with the hand-back. The services' tasks prefer an executor of their own,
/// so a test that blocks a thread of the cooperative pool while it waits for them (as every
/// synchronous test does) cannot starve them.
public final class RunningServices: Sendable {
    public let services: SiteServices
    private let ended = DispatchSemaphore(value: 0)
    private let failure = Failure()
    private let stopped = Mutex(false)

    /// - Throws: what the services failed with before they started (a local API that cannot
    ///   be bound).
    public init(_ services: SiteServices) throws {
        self.services = services
        let ended = self.ended
        let failure = self.failure
        let started = DispatchSemaphore(value: 0)
        let executor = QueueExecutor()
        Task.detached(executorPreference: executor) {
            do { try await services.run() } catch { failure.error.withLock { $0 = error } }
            started.signal()
            ended.signal()
        }
        Task.detached(executorPreference: executor) {
            _ = await services.started.wait()
            started.signal()
        }
        started.wait()
        if let error = failure.error.withLock({ $0 }) { throw error }
    }

    public var gateway: Gateway { services.gateway }

    /// Shuts the services down gracefully and waits until they have ended; harmless twice.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        let services = self.services
        Task.detached(executorPreference: QueueExecutor()) { await services.shutdown() }
        ended.wait()
    }
}

/// What the services failed with, shared with the task that runs them.
private final class Failure: Sendable {
    let error = Mutex<(any Error)?>(nil)
}

/// Runs jobs on a dispatch queue of its own rather than on the cooperative pool.
private final class QueueExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "busbar-test-services", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
