import Foundation
import Logging
import Modbus
import Synchronization

/// The one thread that owns the connection to one endpoint, shared by every unit id behind it:
/// it polls its devices at the poll interval and writes their orders as soon as they change, one
/// request at a time. A slow or dead endpoint only ever holds its own thread.
final class EndpointWorker: Sendable {
    let endpoint: Endpoint
    let devices: [DeviceRuntime]
    private let pollInterval: Duration
    private let timeouts: ModbusClient.Timeouts
    private let logger: Logger
    private let thread: WorkerThread
    private let handBackOnStop = Mutex<Set<String>?>(nil)

    init(
        endpoint: Endpoint, devices: [DeviceRuntime], pollInterval: Duration, timeouts: ModbusClient.Timeouts,
        logger: Logger
    ) {
        self.endpoint = endpoint
        self.devices = devices
        self.pollInterval = pollInterval
        self.timeouts = timeouts
        var logger = logger
        logger[metadataKey: "modbus.endpoint"] = "\(endpoint)"
        self.logger = logger
        thread = WorkerThread(name: "busbar-endpoint \(endpoint)")
    }

    func start() {
        thread.start { [self] thread in run(on: thread) }
    }

    /// Asks the worker to look for writes now rather than at its next poll.
    func wake() { thread.wake() }

    /// Stops after the request in flight, hands its devices back (their release recipes; only
    /// those named when `handingBack` is given), closes the connection, and waits for the thread.
    func stop(handingBack: Set<String>? = nil) {
        handBackOnStop.withLock { $0 = handingBack }
        thread.stop()
    }

    private func run(on thread: WorkerThread) {
        let client: ModbusClient
        do {
            client = try ModbusClient(endpoint: endpoint, timeouts: timeouts)
        } catch {
            logger.error("cannot open endpoint", metadata: ["error": "\(error)"])
            return
        }
        defer { client.close() }
        var nextPoll = ContinuousClock.now
        while true {
            let now = ContinuousClock.now
            writeDue(with: client, at: now)
            if now >= nextPoll {
                poll(with: client, at: now)
                nextPoll = now + pollInterval
            }
            // Refreshes and heartbeats fall due between polls: look again within 200 ms.
            guard thread.wait(upTo: min(nextPoll - ContinuousClock.now, .milliseconds(200))) else { break }
        }
        let handingBack = handBackOnStop.withLock { $0 }
        for device in devices where handingBack?.contains(device.id) ?? true {
            device.handBack(with: client, at: ContinuousClock.now)
        }
    }

    private func writeDue(with client: ModbusClient, at now: ContinuousClock.Instant) {
        for device in devices where device.pollDue(at: now) {
            do {
                if let work = device.writeWork(at: now) {
                    try device.carryOut(work, with: client, at: now)
                }
            } catch {
                device.writeFailed(error, at: now, interval: pollInterval)
                if let error = error as? ModbusError, error.exceptionCode == nil {
                    device.pollFailed(error, at: now, interval: pollInterval)
                }
            }
            guard let heartbeat = device.heartbeatDue(at: now) else { continue }
            do {
                try device.beat(heartbeat, with: client, at: now)
            } catch {
                // Retried at its own interval; the orders are not held back by it.
                device.heartbeatFailed(error, at: now)
            }
        }
    }

    private func poll(with client: ModbusClient, at now: ContinuousClock.Instant) {
        for device in devices where device.pollDue(at: now) {
            do {
                try device.poll(with: client, at: now)
            } catch {
                device.pollFailed(error, at: now, interval: pollInterval)
            }
        }
    }
}
