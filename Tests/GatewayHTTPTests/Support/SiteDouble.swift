import Control
import Foundation
import Gateway
import GatewayState
import SiteConfig
import Synchronization
import Vocabulary

/// A site with two batteries, a chargepoint and a grid meter, run by the real control core on
/// a manual clock: a `CommandSink` that records every call, and the snapshots a gateway would
/// publish. Sources: `modbus` (10), `cloud` and `local` (5), all with the 60 s watchdog.
final class SiteDouble: CommandSink, Sendable {
    enum Call: Hashable, Sendable {
        case submit(Command)
        case release(SourceID, Target?)
        case refresh(SourceID)
    }

    let clock: ManualClock
    private let core: Mutex<ControlCore>
    private let log = Mutex<[Call]>([])
    private let clientLog = Mutex<[String?]>([])

    init(clock: ManualClock = ManualClock(), sources: [Source]? = nil) {
        self.clock = clock
        let configuration = ControlConfiguration(
            sources: sources ?? [
                Source(id: "modbus", priority: 10), Source(id: "cloud", priority: 5), Source(id: "local", priority: 5),
            ],
            devices: ["bat1": .battery, "bat2": .battery, "cp1": .chargepoint])
        core = Mutex(ControlCore(configuration: configuration))
    }

    var calls: [Call] { log.withLock { $0 } }
    var submitted: [Command] {
        calls.compactMap { if case .submit(let command) = $0 { command } else { nil } }
    }
    var released: [Target?] {
        calls.compactMap { if case .release(_, let target) = $0 { target } else { nil } }
    }
    func clearCalls() { log.withLock { $0 = [] } }

    // MARK: CommandSink

    func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection> {
        submit(command, client: nil)
    }

    /// The clients the commands came from, in order (nil: none given).
    var clients: [String?] { clientLog.withLock { $0 } }

    func submit(_ command: Command, client: String?) -> Result<CommandReceipt, CommandRejection> {
        clientLog.withLock { $0.append(client) }
        log.withLock { $0.append(.submit(command)) }
        let now = clock.control
        return core.withLock { $0.apply(command, at: now) }
    }

    func refresh(_ source: SourceID) {
        log.withLock { $0.append(.refresh(source)) }
        let now = clock.control
        _ = core.withLock { $0.refresh(source, at: now) }
    }

    func release(_ source: SourceID, target: Target?) {
        log.withLock { $0.append(.release(source, target)) }
        _ = core.withLock { $0.release(source: source, target: target) }
    }

    func replaceSchedules(
        _ schedules: [Schedule], of source: SourceID, scope: Schedule.Scope
    ) -> Result<ScheduleReceipt, CommandRejection> {
        let now = clock.control
        return core.withLock { $0.replaceSchedules(schedules, of: source, scope: scope, at: now) }
    }

    /// The schedules the core holds.
    var schedules: [Schedule] { core.withLock { $0.schedulesHeld } }

    func now() -> ControlInstant { clock.control }

    // MARK: Snapshots

    /// What the gateway would publish now: the watchdog ticked, then a fresh decision.
    func snapshot() -> GatewaySnapshot {
        let now = clock.control
        let decision = core.withLock { core in
            _ = core.tick(at: now)
            return core.decide(site: Self.site, at: now)
        }
        return GatewaySnapshot(
            siteName: "test-site", at: now, devices: Self.devices, decision: decision, gridPower: 1200)
    }

    /// The commands the core holds now (after the watchdog).
    func held() -> [Command] {
        let now = clock.control
        return core.withLock { core in
            _ = core.tick(at: now)
            return core.commandsHeld
        }
    }

    static let battery = BatteryTelemetry(
        soc: 50, capacity: 10_000, allowedChargePower: -5000, allowedDischargePower: 5000, ratedPower: 5000)

    static let site = SiteSnapshot(
        devices: [
            .battery("bat1", battery, activePower: -1000),
            .battery("bat2", battery, activePower: -500),
            .chargepoint("cp1", ChargepointTelemetry(maxCurrent: 16, phases: .three), activePower: 4140),
        ],
        gridPower: 1200)

    static let devices: [DeviceStatus] = [
        DeviceStatus(
            id: "bat1", kind: .battery, online: true, age: .milliseconds(400),
            values: ["soc": 40, "active_power": -1000, "allowed_charge_power": -5000, "allowed_discharge_power": 5000],
            identity: [:], ratings: DeviceRatings(capacity: 10_000, maxPower: 5000)),
        DeviceStatus(
            id: "bat2", kind: .battery, online: true, age: .milliseconds(700),
            values: ["soc": 60, "active_power": -500], identity: [:],
            ratings: DeviceRatings(capacity: 30_000, maxPower: 3000)),
        DeviceStatus(
            id: "cp1", kind: .chargepoint, online: true, age: .seconds(1), values: ["active_power": 4140],
            identity: [:], ratings: DeviceRatings(maxCurrent: 16, phases: 3)),
        DeviceStatus(
            id: "grid", kind: .meter, online: true, age: .milliseconds(200), values: ["active_power": 1200],
            identity: [:], ratings: DeviceRatings()),
    ]
}
