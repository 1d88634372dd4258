public import Modbus

/// One device of a site: which map describes it, where it is, and its ratings.
public struct DeviceConfig: Sendable, Hashable {
    public var id: String
    /// The map path resolved against the site file's folder; the key of ``LoadedSite/maps``.
    public var mapPath: String
    public var endpoint: Endpoint
    public var unit: Int
    public var ratings: DeviceRatings
    /// Higher first for the `priority` allocation strategy.
    public var priority: Int
    /// Served by `busbar simulate` rather than a real device.
    public var simulate: Bool
    /// How often this device is polled, when not at the site's `poll_interval` (a grid meter
    /// polled faster for the grid modes).
    public var pollInterval: Duration?

    public init(
        id: String, mapPath: String, endpoint: Endpoint, unit: Int, ratings: DeviceRatings = DeviceRatings(),
        priority: Int = 0, simulate: Bool = false, pollInterval: Duration? = nil
    ) {
        self.pollInterval = pollInterval
        self.id = id
        self.mapPath = mapPath
        self.endpoint = endpoint
        self.unit = unit
        self.ratings = ratings
        self.priority = priority
        self.simulate = simulate
    }
}
