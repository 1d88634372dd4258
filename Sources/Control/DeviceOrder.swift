public import Vocabulary

/// What a device driver should make a device do.
public enum DeviceOrder: Hashable, Sendable {
    /// No override: let the device run itself.
    case auto
    /// Battery: run itself, but within these bounds, W. A `nil` side is not limited by any
    /// command (the device's own limits apply there). `min` ≤ 0 ≤ `max`.
    case limits(min: Watts?, max: Watts?)
    /// Battery: exactly this power, W (positive = discharge).
    case setpoint(Watts)
    /// Chargepoint: this current per phase, A; 0 = off.
    case current(Amperes)
}
