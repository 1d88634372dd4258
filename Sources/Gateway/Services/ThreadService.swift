import ServiceLifecycle

/// What runs as a loop on a thread of its own (`RuntimeLoop`): a device endpoint's
/// connection, the control loop.
protocol ThreadedLoop: Sendable {
    /// What the service is called in the lifecycle's log.
    var loopName: String { get }
    /// Runs the loop until it stops; at once when it ran or was stopped before.
    func run() async
    /// Asks the loop to end after its current step (an endpoint then hands its devices back),
    /// without waiting.
    func requestStop()
}

/// A threaded loop as a service: it starts once the start gate opens, and on a graceful
/// shutdown or cancellation it stops the loop and returns when the thread has ended. An
/// endpoint's service also ends when a reload retires the endpoint (its thread ends).
struct ThreadService<Loop: ThreadedLoop>: Service, CustomStringConvertible {
    let loop: Loop
    let gate: Latch

    var description: String { loop.loopName }

    func run() async {
        guard await gate.wait() else { return }
        await withTaskCancellationOrGracefulShutdownHandler {
            await loop.run()
        } onCancelOrGracefulShutdown: {
            loop.requestStop()
        }
    }
}

extension EndpointWorker: ThreadedLoop {
    var loopName: String { "device endpoint \(endpoint)" }
}

extension GatewayController: ThreadedLoop {
    var loopName: String { "control loop" }
}
