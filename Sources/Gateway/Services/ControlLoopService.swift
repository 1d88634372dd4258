import ServiceLifecycle

/// The control loop as a service: once the start gate opens it decides on every command, new
/// telemetry and watchdog tick; on a graceful shutdown it stops deciding, before the devices
/// are handed back.
struct ControlLoopService: Service, CustomStringConvertible {
    let controller: GatewayController
    let gate: Latch

    var description: String { "control loop" }

    func run() async {
        guard await gate.wait() else { return }
        controller.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await controller.finished()
        } onCancelOrGracefulShutdown: {
            controller.requestStop()
        }
    }
}
