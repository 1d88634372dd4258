import Foundation

/// A serial executor on a thread of its own, for the actors that own a blocking resource (a
/// libmodbus connection): their jobs, and the blocking calls in them, run on that thread and
/// never on Swift's cooperative pool. The thread sleeps while the actor awaits and ends once
/// `finish()` is called and its queue is empty.
final class SerialThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `finishing` are only touched under `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finishing = false

    init(name: String) {
        let thread = Thread { [self] in drain() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Lets the thread end once every job enqueued so far has run.
    func finish() {
        condition.withLock {
            finishing = true
            condition.signal()
        }
    }

    private func drain() {
        let executor = asUnownedSerialExecutor()
        while true {
            let next: UnownedJob? = condition.withLock {
                while jobs.isEmpty && !finishing { condition.wait() }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let next else { return }
            next.runSynchronously(on: executor)
        }
    }
}
