/// The `control:` section of a device map: a recipe per mode, and what keeps them in force.
public struct DeviceControl: Sendable, Hashable {
    public var recipes: [ControlMode: ControlRecipe]
    public var refresh: Refresh?
    public var heartbeat: Heartbeat?
    /// Whether writes are verified by reading the point back (not for write-only points).
    public var readback: Bool

    public init(
        recipes: [ControlMode: ControlRecipe] = [:], refresh: Refresh? = nil, heartbeat: Heartbeat? = nil,
        readback: Bool = false
    ) {
        self.recipes = recipes
        self.refresh = refresh
        self.heartbeat = heartbeat
        self.readback = readback
    }

    /// The modes the map can carry out, in the order of ``ControlMode``.
    public var modes: [ControlMode] { recipes.keys.sorted() }
}
