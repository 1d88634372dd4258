import Foundation
public import ServiceLifecycle
public import UnixSignals

/// The signals a running program answers, trapped before it binds anything, so that one sent as
/// soon as a listener answers is never lost to its default action: SIGTERM and SIGINT shut the
/// program's service group down gracefully, SIGHUP reloads (or is ignored by a program that
/// does not reload). A signal that arrives before the group runs waits for it.
public struct TrappedSignals: Sendable {
    let stops: UnixSignalsSequence
    let hangups: UnixSignalsSequence?

    /// Unblocks SIGTERM, SIGINT and SIGHUP for the whole process (a parent such as a test
    /// runner may have blocked them) and traps them.
    /// - Parameter reloading: whether SIGHUP reloads; ignored otherwise.
    public static func trap(reloading: Bool) async -> TrappedSignals {
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, number) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        if !reloading { signal(SIGHUP, SIG_IGN) }
        return TrappedSignals(
            stops: await UnixSignalsSequence(trapping: .sigterm, .sigint),
            hangups: reloading ? await UnixSignalsSequence(trapping: .sighup) : nil)
    }

    /// Runs `group` until it ends, shutting it down gracefully on the first SIGTERM or SIGINT.
    public func run(_ group: ServiceGroup) async throws {
        let stops = self.stops
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            tasks.addTask {
                for await _ in stops {
                    await group.triggerGracefulShutdown()
                    break
                }
                return false
            }
            while let groupEnded = try await tasks.next() {
                if groupEnded { tasks.cancelAll() }
            }
        }
    }
}
