import Vocabulary

/// Everything the control core decided for one snapshot: orders for the drivers and the status
/// for the upstream profiles. Deterministic: the same core, snapshot and instant give an equal
/// decision.
public struct Decision: Hashable, Sendable {
    /// The instant it was made for.
    public var at: ControlInstant
    /// One decision per device of the snapshot, in snapshot order.
    public var devices: [DeviceDecision]
    /// The ESS cluster after the active modes.
    public var ess: EssClusterStatus
    /// The chargepoint cluster after the active modes.
    public var chargepoints: ChargepointClusterStatus
    /// The commands in force (fallbacks included), by target, then precedence.
    public var active: [ActiveCommand]
    /// The commands that lost, and why, by precedence.
    public var lost: [LostCommand]
    /// The modes per target (ESS cluster, chargepoint cluster, then each device).
    public var availableModes: [TargetModes]
    /// The schedules held, with the slot in force and the next one, by target, then source.
    public var schedules: [ScheduleStatus]

    public init(
        at: ControlInstant, devices: [DeviceDecision], ess: EssClusterStatus, chargepoints: ChargepointClusterStatus,
        active: [ActiveCommand], lost: [LostCommand], availableModes: [TargetModes], schedules: [ScheduleStatus] = []
    ) {
        self.schedules = schedules
        self.at = at
        self.devices = devices
        self.ess = ess
        self.chargepoints = chargepoints
        self.active = active
        self.lost = lost
        self.availableModes = availableModes
    }

    /// The decision for device `id`.
    public func device(_ id: DeviceID) -> DeviceDecision? {
        devices.first { $0.device == id }
    }

    /// The order for device `id`.
    public func order(_ id: DeviceID) -> DeviceOrder? {
        device(id)?.order
    }

    /// The command of highest precedence in force on `target` (the `activeMode` register).
    public func activeCommand(for target: Target) -> ActiveCommand? {
        active.first { $0.command.target == target }
    }

    /// The modes `target` offers.
    public func modes(for target: Target) -> TargetModes? {
        availableModes.first { $0.target == target }
    }

    /// The losses of the command `source` holds on `target`.
    package func losses(of source: SourceID, on target: Target) -> [LostCommand] {
        lost.filter { $0.command.origin == .source(source) && $0.command.target == target }
    }
}
