import AsyncAlgorithms
import Foundation
import Gateway
import GatewayServices
import ServiceLifecycle

/// What `busbar demo` prints once the gateway runs: where each simulated device listens and the
/// commands to try, then the live status at every interval (none when it is zero), until the
/// demo stops.
struct DemoStatusPrinter: Service {
    let gateway: Gateway
    let started: Latch
    let introduction: String
    let interval: Duration

    func run() async {
        guard await started.wait() else { return }
        FileHandle.standardOutput.write(Data((introduction + "\n").utf8))
        guard interval > .zero else { return }
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            let text =
                "\n-- \(ISO8601DateFormatter().string(from: Date()))\n" + DemoStatus.render(gateway.controller.snapshot)
                + "\n"
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
