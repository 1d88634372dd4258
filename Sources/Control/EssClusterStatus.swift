public import Vocabulary

/// The ESS cluster after the active modes.
public struct EssClusterStatus: Hashable, Sendable {
    /// Online batteries.
    public var online: Int
    /// The interval the cluster's power is held to, targets included (a point under a target).
    public var bounds: PowerInterval
    /// The most charging power the active constraints and the devices allow, W (≤ 0).
    public var allowedChargePower: Watts
    /// The most discharging power the active constraints and the devices allow, W (≥ 0).
    public var allowedDischargePower: Watts
    /// The sum of the device set-points when a cluster target is in force.
    public var setpoint: Watts?

    public init(
        online: Int, bounds: PowerInterval, allowedChargePower: Watts, allowedDischargePower: Watts, setpoint: Watts?
    ) {
        self.online = online
        self.bounds = bounds
        self.allowedChargePower = allowedChargePower
        self.allowedDischargePower = allowedDischargePower
        self.setpoint = setpoint
    }
}
