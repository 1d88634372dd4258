public import Vocabulary

/// What a device driver should make a device do.
public enum DeviceOrder: Hashable, Sendable {
    /// Released: no command holds the device (or, for a battery, none binds it), so it runs
    /// itself; the gateway carries this out with the map's release recipe (by default its AUTO
    /// recipe). An online chargepoint that a chargepoint command holds, its own or its
    /// cluster's, never gets it but a `current`. Offline devices get it too.
    case auto
    /// Battery: run itself, but within these bounds, W. A `nil` side is not limited by any
    /// command (the device's own limits apply there). `min` ≤ 0 ≤ `max`.
    case limits(min: Watts?, max: Watts?)
    /// Battery: exactly this power, W (positive = discharge).
    case setpoint(Watts)
    /// Chargepoint: this current per phase, A; 0 = off. A multiple of the chargepoint's
    /// `currentStep`, and 0 or at least the 6 A minimum.
    case current(Amperes)
}
