import AsyncAlgorithms
import Foundation
import Gateway
import ServiceLifecycle

/// What `demo` and `simulate` print while they run: an introduction once `after` opens (at once
/// without), then a report at every interval until a graceful shutdown (none when it is zero).
struct PeriodicPrinter: Service {
    var after: Latch?
    var introduction: String?
    let interval: Duration
    let report: @Sendable () -> String

    func run() async {
        if let after { guard await after.wait() else { return } }
        if let introduction { write(introduction) }
        guard interval > .zero else {
            try? await gracefulShutdown()
            return
        }
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            write(report())
        }
    }

    /// At once, even into a pipe (which would hold `print`'s output back).
    private func write(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
}
