import ServiceLifecycle

/// One device endpoint as a service: once the start gate opens it polls and writes over its
/// connection (its `EndpointWorker`'s thread); on a graceful shutdown or cancellation it hands
/// its devices back (their release recipes) and closes the connection. It also ends when a
/// reload retires its endpoint.
struct DeviceEndpointService: Service, CustomStringConvertible {
    let worker: EndpointWorker
    let gate: Latch

    var description: String { "device endpoint \(worker.endpoint)" }

    func run() async {
        guard await gate.wait() else { return }
        worker.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await worker.finished()
        } onCancelOrGracefulShutdown: {
            worker.requestStop()
        }
    }
}
