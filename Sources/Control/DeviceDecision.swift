import Vocabulary

/// The decision for one device: its order, and how its map should carry it out.
public struct DeviceDecision: Hashable, Sendable {
    /// The device.
    public var device: DeviceID
    /// Whether it was online; offline devices get `.auto` and take no share.
    public var online: Bool
    /// What it should do.
    public var order: DeviceOrder
    /// The device-level modes whose recipes carry out the order, with device-level parameters
    /// (a cluster limit split per device, a cluster target's share). Empty for a released
    /// chargepoint.
    public var recipes: [Mode]
    /// The commands that shaped the order, highest precedence first.
    package var origins: [CommandRef]
    /// Battery: the power interval it was held to (its limits ∩ the accepted constraints).
    public var bounds: PowerInterval?

    public init(
        device: DeviceID, online: Bool, order: DeviceOrder, recipes: [Mode], origins: [CommandRef],
        bounds: PowerInterval? = nil
    ) {
        self.device = device
        self.online = online
        self.order = order
        self.recipes = recipes
        self.origins = origins
        self.bounds = bounds
    }
}
