import Foundation
import Logging
import Modbus

/// The one thread that owns the connection to one endpoint, shared by every unit id behind it:
/// it polls its devices at the poll interval and writes their orders as soon as they change, one
/// request at a time. A slow or dead endpoint only ever holds its own thread.
final class EndpointWorker: @unchecked Sendable {
    // @unchecked Sendable: `wakeRequested` and `stopping` are only touched under `condition`;
    // the client is created, used and closed on the worker thread alone.
    let endpoint: Endpoint
    let devices: [DeviceRuntime]
    private let pollInterval: Duration
    private let timeouts: ModbusClient.Timeouts
    private let onPolled: @Sendable () -> Void
    private let logger: Logger
    private let condition = NSCondition()
    private var wakeRequested = false
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(
        endpoint: Endpoint, devices: [DeviceRuntime], pollInterval: Duration, timeouts: ModbusClient.Timeouts,
        logger: Logger, onPolled: @escaping @Sendable () -> Void
    ) {
        self.endpoint = endpoint
        self.devices = devices
        self.pollInterval = pollInterval
        self.timeouts = timeouts
        self.onPolled = onPolled
        var logger = logger
        logger[metadataKey: "modbus.endpoint"] = "\(endpoint)"
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "busbar-endpoint \(endpoint)"
        thread.start()
    }

    /// Asks the worker to look for writes now rather than at its next poll.
    func wake() {
        condition.lock()
        wakeRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Stops after the request in flight, closes the connection, and waits for the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run() {
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
                onPolled()
            }
            condition.lock()
            if !wakeRequested && !stopping {
                let wait = min(nextPoll - ContinuousClock.now, .milliseconds(200))
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                condition.wait(until: Date(timeIntervalSinceNow: max(0, seconds)))
            }
            wakeRequested = false
            let stop = stopping
            condition.unlock()
            if stop { return }
        }
    }

    private func writeDue(with client: ModbusClient, at now: ContinuousClock.Instant) {
        for device in devices where device.pollDue(at: now) {
            do {
                if let work = device.writeWork(at: now) {
                    try device.carryOut(work, with: client, at: now)
                }
                if let heartbeat = device.heartbeatDue(at: now) {
                    try device.beat(heartbeat, with: client, at: now)
                }
            } catch {
                device.logger.warning("device write failed", metadata: ["error": "\(error)"])
                if let error = error as? ModbusError, error.exceptionCode == nil {
                    device.pollFailed(error, at: now, interval: pollInterval)
                }
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
