public import Vocabulary

/// One controllable device as the gateway last saw it.
public struct DeviceSnapshot: Hashable, Sendable {
    /// Kind-specific telemetry.
    public enum Telemetry: Hashable, Sendable {
        /// A battery's telemetry and ratings.
        case battery(BatteryTelemetry)
        /// A chargepoint's telemetry and ratings.
        case chargepoint(ChargepointTelemetry)
    }

    /// The device's id in the site file.
    public var id: DeviceID
    /// Whether its telemetry is fresh; offline devices take no part in allocation.
    public var online: Bool
    /// Active power now, W (ESS: positive = discharge; chargepoint: positive = charging).
    public var activePower: Watts
    /// The modes the device's map can carry out.
    public var supportedModes: Set<ModeKind>
    /// Higher comes first in the `priority` allocation strategy.
    public var priority: Int
    /// Kind-specific telemetry.
    public var telemetry: Telemetry
    /// The telemetry roles the device's map reads (a mode may need one: `ModeKind.requiredTelemetry`).
    public var reportedRoles: Set<TelemetryRole>

    public init(
        id: DeviceID, online: Bool, activePower: Watts, supportedModes: Set<ModeKind>, priority: Int,
        telemetry: Telemetry, reportedRoles: Set<TelemetryRole> = []
    ) {
        self.id = id
        self.online = online
        self.activePower = activePower
        self.supportedModes = supportedModes
        self.priority = priority
        self.telemetry = telemetry
        self.reportedRoles = reportedRoles
    }

    /// Whether the device can carry `mode` out: its map has the mode's recipe and reads what
    /// the mode needs.
    public func canCarryOut(_ mode: ModeKind) -> Bool {
        supportedModes.contains(mode.recipe) && mode.requiredTelemetry.allSatisfy(reportedRoles.contains)
    }

    /// A battery; by default online, idle and able to carry out every ESS mode.
    public static func battery(
        _ id: DeviceID, _ telemetry: BatteryTelemetry, online: Bool = true, activePower: Watts = 0,
        supportedModes: Set<ModeKind> = Set(ModeKind.allEss), priority: Int = 0
    ) -> DeviceSnapshot {
        DeviceSnapshot(
            id: id, online: online, activePower: activePower, supportedModes: supportedModes, priority: priority,
            telemetry: .battery(telemetry))
    }

    /// A chargepoint; by default online, idle and with a recipe for every chargepoint mode (CHARGE_ENERGY
    /// needs `reportedRoles` to hold `.energy` too).
    public static func chargepoint(
        _ id: DeviceID, _ telemetry: ChargepointTelemetry, online: Bool = true, activePower: Watts = 0,
        supportedModes: Set<ModeKind> = Set(ModeKind.allChargepoint), priority: Int = 0,
        reportedRoles: Set<TelemetryRole> = []
    ) -> DeviceSnapshot {
        DeviceSnapshot(
            id: id, online: online, activePower: activePower, supportedModes: supportedModes, priority: priority,
            telemetry: .chargepoint(telemetry), reportedRoles: reportedRoles)
    }

    /// Whether it is a battery or a chargepoint.
    public var kind: DeviceKind {
        switch telemetry {
        case .battery: .battery
        case .chargepoint: .chargepoint
        }
    }

    /// The battery telemetry, for a battery.
    public var battery: BatteryTelemetry? {
        if case .battery(let battery) = telemetry { return battery }
        return nil
    }

    /// The chargepoint telemetry, for a chargepoint.
    public var chargepoint: ChargepointTelemetry? {
        if case .chargepoint(let chargepoint) = telemetry { return chargepoint }
        return nil
    }
}
