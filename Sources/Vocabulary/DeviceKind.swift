/// What a device is, which decides the telemetry the gateway reads from it and the modes it may
/// carry out.
public enum DeviceKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// An energy storage system (battery inverter): controlled in watts.
    case battery
    /// An EV chargepoint: controlled in amperes per phase.
    case chargepoint
    /// A meter, usually the grid meter at the connection point: read only.
    case meter
    /// A PV inverter: read only.
    case pv

    /// The mode kinds a device of this kind may carry out, in code order; none for meters and PV.
    public var modes: [ModeKind] {
        switch self {
        case .battery: ModeKind.allEss
        case .chargepoint: ModeKind.allChargepoint
        case .meter, .pv: []
        }
    }

    /// The modes a device map of this kind names recipes for: the controlled modes have none of their
    /// own (SET_POWER carries them out).
    public var recipeModes: [ModeKind] { modes.filter { $0.recipe == $0 } }

    /// Whether the control core steers devices of this kind.
    public var isControllable: Bool { !modes.isEmpty }

    /// The telemetry roles a device of this kind may report.
    package var telemetryRoles: [TelemetryRole] {
        TelemetryRole.allCases.filter { $0.kinds.contains(self) }
    }

    public var description: String { rawValue }
}
