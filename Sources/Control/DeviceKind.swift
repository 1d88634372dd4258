/// What a controllable device is, which decides the modes it takes.
public enum DeviceKind: String, Hashable, Sendable, CaseIterable {
    /// An energy storage system (battery inverter): controlled in watts.
    case battery
    /// An EV chargepoint: controlled in amperes per phase.
    case chargepoint
}
