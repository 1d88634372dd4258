public import Vocabulary

/// The `control:` section of a device map: a recipe per mode, and what keeps them in force.
public struct DeviceControl: Sendable, Hashable {
    public var recipes: [ModeKind: ControlRecipe]
    public var refresh: Refresh?
    public var heartbeat: Heartbeat?
    /// Whether writes are verified by reading the point back (not for write-only points).
    public var readback: Bool

    public init(
        recipes: [ModeKind: ControlRecipe] = [:], refresh: Refresh? = nil, heartbeat: Heartbeat? = nil,
        readback: Bool = false
    ) {
        self.recipes = recipes
        self.refresh = refresh
        self.heartbeat = heartbeat
        self.readback = readback
    }

    /// The modes the map can carry out, ESS before chargepoint modes, each by code.
    public var modes: [ModeKind] { recipes.keys.sorted() }
}
