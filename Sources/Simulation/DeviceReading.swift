package import SiteConfig
public import Vocabulary

/// What one simulated device is doing, in busbar's units and signs (docs/design.md §2.1): the
/// simulation's own view, for tests and the live lines of `busbar simulate`.
public struct DeviceReading: Sendable, Hashable {
    public var id: String
    public var kind: DeviceKind
    /// W: battery + discharge, chargepoint + charging, meter + import.
    public var power: Double
    /// Battery SoC, %.
    public var soc: Double?
    /// Whether a battery follows an external set-point.
    package var externallyControlled: Bool?
    /// Chargepoint current per phase, A.
    public var current: Double?
    /// Chargepoint car state.
    package var chargeState: ChargeState?
    /// The car's SoC, %.
    public var carSoc: Double?
    /// Whether the device applied its fallback and nobody has written since.
    package var fellBack: Bool
    /// Whether the device was killed (answers nothing).
    package var killed: Bool

    /// `ess1 battery -2500 W soc 52.0 % external`.
    public var line: String {
        var parts = ["\(id) \(kind) \(format(power)) W"]
        if let soc { parts.append("soc \(format(soc, digits: 1)) %") }
        if externallyControlled == true { parts.append("external") }
        if let chargeState { parts.append(chargeState.rawValue) }
        if let current { parts.append("\(format(current, digits: 1)) A") }
        if let carSoc { parts.append("car \(format(carSoc, digits: 1)) %") }
        if fellBack { parts.append("fallback") }
        if killed { parts.append("killed") }
        return parts.joined(separator: " ")
    }
}

func format(_ value: Double, digits: Int = 0) -> String {
    var factor = 1.0
    for _ in 0..<digits { factor *= 10 }
    let rounded = (value * factor).rounded() / factor
    if digits == 0 { return String(Int64(rounded)) }
    return String(rounded)
}
