import Foundation

/// The signals a running site answers: unblocked for the whole process before any thread
/// starts, so that every thread inherits the mask (a parent such as a test runner may have
/// blocked them).
public enum ProcessSignals {
    /// - Parameter ignoringHangup: ignore SIGHUP (a program that does not reload; its default
    ///   action would end the process).
    public static func unblock(ignoringHangup: Bool = false) {
        if ignoringHangup { signal(SIGHUP, SIG_IGN) }
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, number) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }
}
