import Control
public import Foundation
public import Gateway
public import GatewayState
import SiteConfig
import Vocabulary

/// `GET /api/status`: what a person debugging a site asks first. Which devices answer and how
/// old their data is, which commands are in force per source and for how long, which lost and
/// why, and when each source's commands run out; the site's power flows and each device's key
/// telemetry for the status page at `/`.
public struct StatusDocument: Codable, Sendable, Hashable {
    /// One device.
    public struct Device: Codable, Sendable, Hashable {
        public var id: String
        /// `battery`, `chargepoint`, `meter` or `pv`.
        public var kind: String
        public var online: Bool
        /// Seconds since the last good read (to the millisecond); `nil` before the first.
        package var ageSeconds: Double?
        /// Writes the device refused or left unanswered since the gateway started.
        public var writeFailures: Int
        /// The well-known telemetry it last reported, by point name (`active_power`, `soc`,
        /// `current_limit`, …), in busbar's units and signs.
        public var telemetry: [String: Double]

        public init(
            id: String, kind: String, online: Bool, ageSeconds: Double?, writeFailures: Int = 0,
            telemetry: [String: Double] = [:]
        ) {
            self.id = id
            self.kind = kind
            self.online = online
            self.ageSeconds = ageSeconds
            self.writeFailures = writeFailures
            self.telemetry = telemetry
        }
    }

    /// A command that is active but has no effect (on all or part of its target).
    public struct Lost: Codable, Sendable, Hashable {
        public var source: String
        public var target: String
        public var mode: String
        /// Where it lost: its target, or one device of the cluster.
        public var scope: String
        public var reason: String

        public init(source: String, target: String, mode: String, scope: String, reason: String) {
            self.source = source
            self.target = target
            self.mode = mode
            self.scope = scope
            self.reason = reason
        }
    }

    /// A source's watchdog as far as its commands show it: they end unless the source
    /// repeats them (or, with an explicit end, at that end).
    public struct Watchdog: Codable, Sendable, Hashable {
        /// Commands the source holds.
        public var commands: Int
        /// Seconds until the first of them ends.
        public var secondsLeft: Int?
        /// When that is.
        public var until: Date?

        public init(commands: Int, secondsLeft: Int?, until: Date?) {
            self.commands = commands
            self.secondsLeft = secondsLeft
            self.until = until
        }
    }

    public var site: String
    public var timestamp: Date
    /// The site's power flows now (grid, PV, ESS, EV), as the power history samples them.
    public var flows: PowerHistory.Sample?
    /// Cluster SoC, % (capacity-weighted); `nil` while no battery reports one.
    public var essSoc: Double?
    public var devicesOnline: Int
    public var devices: [Device]
    /// Per source (`fallback` for the targets' fallbacks): its commands in force.
    package var activeCommands: [String: [ActiveControlMode]]
    public var lostCommands: [Lost]
    /// Per source holding commands.
    public var watchdog: [String: Watchdog]
    /// Whether the control core has decided yet.
    public var controlRunning: Bool
    /// How the cloud push fares, when a push client runs.
    public var push: PushStatus?
    /// The schedules held, with the slot in force and the next, by target, then source.
    public var schedules: [ScheduleEntry]

    public init(
        site: String, timestamp: Date, devicesOnline: Int, devices: [Device],
        activeCommands: [String: [ActiveControlMode]],
        lostCommands: [Lost], watchdog: [String: Watchdog], controlRunning: Bool, push: PushStatus? = nil,
        schedules: [ScheduleEntry] = [], flows: PowerHistory.Sample? = nil, essSoc: Double? = nil
    ) {
        self.schedules = schedules
        self.flows = flows
        self.essSoc = essSoc
        self.site = site
        self.timestamp = timestamp
        self.devicesOnline = devicesOnline
        self.devices = devices
        self.activeCommands = activeCommands
        self.lostCommands = lostCommands
        self.watchdog = watchdog
        self.controlRunning = controlRunning
        self.push = push
    }

    /// The status for `snapshot`, taken at `time`, with the push client's if one runs.
    public init(snapshot: GatewaySnapshot, at time: TimeBase, push: PushStatus? = nil) {
        let devices = snapshot.devices.map {
            Device(
                id: $0.id, kind: $0.kind.rawValue, online: $0.online,
                ageSeconds: $0.age.map { ($0.seconds * 1000).rounded() / 1000 }, writeFailures: $0.writeFailures,
                telemetry: Self.telemetry(of: $0))
        }
        var active: [String: [ActiveControlMode]] = [:]
        var watchdog: [String: Watchdog] = [:]
        for command in snapshot.decision?.active ?? [] {
            let entry = ActiveControlMode(command, at: time)
            active[entry.source, default: []].append(entry)
            guard case .source(let source) = command.command.origin else { continue }
            var state = watchdog[source.rawValue] ?? Watchdog(commands: 0, secondsLeft: nil, until: nil)
            state.commands += 1
            if let left = entry.secondsLeft, state.secondsLeft.map({ left < $0 }) ?? true {
                state.secondsLeft = left
                state.until = entry.until
            }
            watchdog[source.rawValue] = state
        }
        let lost = (snapshot.decision?.lost ?? []).map {
            Lost(
                source: $0.command.origin.description, target: $0.command.target.apiKey,
                mode: $0.command.mode.description,
                scope: $0.scope.apiKey, reason: $0.reason.description)
        }
        self.init(
            site: snapshot.siteName, timestamp: time.wall, devicesOnline: snapshot.devicesOnline, devices: devices,
            activeCommands: active, lostCommands: lost, watchdog: watchdog, controlRunning: snapshot.decision != nil,
            push: push, schedules: (snapshot.decision?.schedules ?? []).map { ScheduleEntry($0, at: time) },
            flows: PowerHistory.Sample(snapshot, at: time.wall), essSoc: snapshot.essSoc)
    }

    /// The values of `device`'s well-known telemetry roles, none while it is offline (an old
    /// value shown as current would mislead).
    static func telemetry(of device: DeviceStatus) -> [String: Double] {
        guard device.online else { return [:] }
        var values: [String: Double] = [:]
        for role in TelemetryRole.allCases where role.kinds.contains(device.kind) {
            if let value = device.value(role) { values[role.pointName] = value }
        }
        return values
    }
}
