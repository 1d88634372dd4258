public import Vocabulary

/// Everything the control core needs from the site file.
public struct ControlConfiguration: Hashable, Sendable {
    /// The sources allowed to send commands.
    public var sources: [Source]
    /// The controllable devices and their kinds, so that device targets can be checked when a
    /// command arrives.
    public var devices: [DeviceID: DeviceKind]
    /// The mode a target returns to when no command is active on it, unless the source whose
    /// command on it ended last names its own (`Source.fallbacks`). A target without an entry
    /// returns to AUTO: no override, the devices run themselves.
    public var fallbacks: [Target: Mode]
    /// How a cluster power target or limit is split over the batteries.
    public var essStrategy: AllocationStrategy
    /// How a cluster current (a LIMIT, or the surplus) is split over the chargepoints.
    package var chargepointStrategy: AllocationStrategy
    /// SURPLUS hysteresis and voltage.
    public var surplus: SurplusSettings
    /// How the grid modes follow the meter.
    public var gridControl: GridControlSettings

    public init(
        sources: [Source],
        devices: [DeviceID: DeviceKind] = [:],
        fallbacks: [Target: Mode] = [:],
        essStrategy: AllocationStrategy = .proportional,
        chargepointStrategy: AllocationStrategy = .equal,
        surplus: SurplusSettings = SurplusSettings(),
        gridControl: GridControlSettings = GridControlSettings()
    ) {
        self.gridControl = gridControl
        self.sources = sources
        self.devices = devices
        self.fallbacks = fallbacks
        self.essStrategy = essStrategy
        self.chargepointStrategy = chargepointStrategy
        self.surplus = surplus
    }

    /// The source with `id`; with duplicates, the last one.
    public func source(_ id: SourceID) -> Source? {
        sources.last { $0.id == id }
    }

    /// The fallback of `target` once a command of `source` on it has ended (`nil`: AUTO).
    func fallback(of target: Target, after source: SourceID?) -> Mode? {
        if let source, let own = self.source(source)?.fallbacks[target] { return own == .ess(.auto) ? nil : own }
        return fallbacks[target]
    }

    /// The device kind a mode must have on `target`, or `nil` for an unknown device.
    public func kind(of target: Target) -> DeviceKind? {
        switch target {
        case .essCluster: .battery
        case .chargepointCluster: .chargepoint
        case .device(let id): devices[id]
        }
    }
}
