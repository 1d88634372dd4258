public import Vocabulary

/// One device as allocation sees it.
public struct AllocationSlot: Hashable, Sendable {
    /// The device.
    public var id: DeviceID
    /// Its share must lie here. `min` may be above 0 or `max` below 0 when constraints force
    /// it. Infinite ends are capped at ±`Allocation.powerCeiling`; an empty interval makes the
    /// device unusable, like an offline one.
    public var bounds: PowerInterval
    /// Offline devices get 0 and their share moves to the others.
    public var online: Bool
    /// State of charge, %, for `socBalancing`.
    public var soc: Percent
    /// Higher comes first for `priority`.
    public var priority: Int

    public init(id: DeviceID, bounds: PowerInterval, online: Bool = true, soc: Percent = 50, priority: Int = 0) {
        self.id = id
        self.bounds = bounds
        self.online = online
        self.soc = soc
        self.priority = priority
    }
}
