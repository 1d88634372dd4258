import Foundation
import Logging
import Modbus
import SiteConfig
import Synchronization
import Vocabulary

/// The one owner of the connection to one endpoint, shared by every unit id behind it: a loop
/// on its own thread (`RuntimeLoop`) that polls its devices at the poll interval and writes
/// their orders as soon as they change, one request at a time. A slow or dead endpoint only
/// ever holds its own thread. A reload hands it
/// the reloaded site's devices (`adopt`) without closing the connection.
final class EndpointWorker: Sendable {
    let endpoint: Endpoint
    let timeouts: ModbusClient.Timeouts
    private let clock: any RuntimeClock
    private let logger: Logger
    private let loop: RuntimeLoop
    private let roster: Mutex<Roster>
    private let handBackOnStop = Mutex<Set<String>?>(nil)
    private let meterRead = Mutex<(@Sendable () -> Void)?>(nil)

    /// The devices the worker serves (each polled at its own interval); replaced whole by `adopt`.
    private struct Roster {
        var devices: [DeviceRuntime]
        /// A reload's devices, taken up by the thread between two requests.
        var adoption: Adoption?
        /// Whether the thread runs its loop (and so takes up an adoption itself).
        var looping = false
    }

    private struct Adoption {
        var devices: [DeviceRuntime]
        var handingBack: Set<String>
        let done = DispatchSemaphore(value: 0)
    }

    init(
        endpoint: Endpoint, devices: [DeviceRuntime], timeouts: ModbusClient.Timeouts, clock: any RuntimeClock,
        logger: Logger
    ) {
        self.endpoint = endpoint
        self.timeouts = timeouts
        self.clock = clock
        roster = Mutex(Roster(devices: devices))
        var logger = logger
        logger[metadataKey: "modbus.endpoint"] = "\(endpoint)"
        self.logger = logger
        loop = RuntimeLoop(name: "busbar-endpoint \(endpoint)", clock: clock)
    }

    var devices: [DeviceRuntime] { roster.withLock { $0.devices } }

    /// Runs the worker's loop until it stops (`requestStop()`, or `stop` by a reload); at
    /// once when it ran before.
    func run() async {
        await loop.run { [self] loop in await body(on: loop) }
        takeLeftAdoption()
    }

    /// Runs the loop in the background, for a gateway run without services.
    func start() {
        Task { await run() }
    }

    /// Asks the worker to look for writes now rather than at its next poll.
    func wake() { loop.wake() }

    /// Calls `wake` after every good poll of a meter: the grid modes react to each reading.
    func onMeterReading(_ wake: @escaping @Sendable () -> Void) { meterRead.withLock { $0 = wake } }

    /// Serves `devices` from now on, over the same connection: the devices it served before that
    /// are named in `handingBack` are handed back first (their release recipes), and a device
    /// kept unchanged takes over its predecessor's telemetry, orders and what it owes. Returns
    /// once the worker has done so (after the request in flight).
    func adopt(_ devices: [DeviceRuntime], handingBack: Set<String>) {
        let adoption = Adoption(devices: devices, handingBack: handingBack)
        let byThread = roster.withLock { roster -> Bool in
            if roster.looping { roster.adoption = adoption }
            return roster.looping
        }
        guard byThread else {
            // Not connected (never started, or its endpoint could not be opened): nothing to
            // write, only what was known to carry over.
            take(adoption, handingBackWith: nil)
            return
        }
        loop.wake()
        adoption.done.wait()
    }

    /// Stops after the request in flight, hands its devices back (their release recipes; only
    /// those named when `handingBack` is given), closes the connection, and waits for the thread.
    func stop(handingBack: Set<String>? = nil) {
        handBackOnStop.withLock { $0 = handingBack }
        loop.stop()
        takeLeftAdoption()
    }

    /// Asks the worker to stop after the request in flight and hand every device back, without
    /// waiting: `finished()` returns once it has.
    func requestStop() { loop.requestStop() }

    /// An adoption asked for while the thread ended is taken up here, so no caller waits forever.
    private func takeLeftAdoption() {
        if let adoption = roster.withLock({ roster in
            defer { roster.adoption = nil }
            return roster.adoption
        }) {
            take(adoption, handingBackWith: nil)
        }
    }

    private func body(on loop: isolated RuntimeLoop) async {
        let client: ModbusClient
        do {
            client = try ModbusClient(endpoint: endpoint, timeouts: timeouts)
        } catch {
            logger.error("cannot open endpoint", metadata: ["error": "\(error)"])
            return
        }
        defer { client.close() }
        roster.withLock { $0.looping = true }
        // Each device at its own interval (a grid meter may be polled faster than the rest).
        var nextPoll: [ObjectIdentifier: ContinuousClock.Instant] = [:]
        while true {
            let now = clock.now
            if let adoption = roster.withLock({ roster in
                defer { roster.adoption = nil }
                return roster.adoption
            }) {
                take(adoption, handingBackWith: client)
            }
            let devices = roster.withLock { $0.devices }
            writeDue(devices, with: client, at: now)
            let due = devices.filter { now >= nextPoll[ObjectIdentifier($0)] ?? now }
            if !due.isEmpty {
                poll(due, with: client, at: now)
                for device in due { nextPoll[ObjectIdentifier(device)] = now + device.pollInterval }
            }
            // (An endpoint always has a device; the fallback only bounds the wait.)
            let next = devices.compactMap { nextPoll[ObjectIdentifier($0)] }.min() ?? now + .seconds(1)
            // Refreshes and heartbeats fall due between polls: look again within 200 ms.
            guard await loop.wait(upTo: min(next - clock.now, .milliseconds(200))) else { break }
        }
        roster.withLock { $0.looping = false }
        handBack(with: client)
    }

    /// At the end: hands the devices back (those named by `stop(handingBack:)`, else all).
    private func handBack(with client: ModbusClient) {
        let handingBack = handBackOnStop.withLock { $0 }
        for device in devices where handingBack?.contains(device.id) ?? true {
            device.handBack(with: client, at: clock.now)
        }
    }

    private func take(_ adoption: Adoption, handingBackWith client: ModbusClient?) {
        let previous = roster.withLock { $0.devices }
        if let client {
            for device in previous where adoption.handingBack.contains(device.id) {
                device.handBack(with: client, at: clock.now)
            }
        }
        for device in adoption.devices {
            if let before = previous.first(where: { $0.id == device.id }), !adoption.handingBack.contains(device.id) {
                device.inherit(from: before)
            }
        }
        roster.withLock { $0.devices = adoption.devices }
        adoption.done.signal()
    }

    private func writeDue(
        _ devices: [DeviceRuntime], with client: ModbusClient, at now: ContinuousClock.Instant
    ) {
        for device in devices where device.pollDue(at: now) {
            do {
                if let work = device.writeWork(at: now) {
                    try device.carryOut(work, with: client, at: now)
                }
            } catch {
                device.writeFailed(error, at: now, interval: device.pollInterval)
                if let error = error as? ModbusError, error.exceptionCode == nil {
                    device.pollFailed(error, at: now, interval: device.pollInterval)
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

    private func poll(_ devices: [DeviceRuntime], with client: ModbusClient, at now: ContinuousClock.Instant) {
        var meterAnswered = false
        for device in devices where device.pollDue(at: now) {
            let started = ContinuousClock.now
            do {
                try device.poll(with: client, at: now)
                if device.map.kind == .meter { meterAnswered = true }
            } catch {
                device.pollFailed(error, at: now, interval: device.pollInterval)
            }
            RuntimeMetrics.polled(device: device.id, duration: ContinuousClock.now - started)
        }
        if meterAnswered, let wake = meterRead.withLock({ $0 }) { wake() }
    }
}
