public import Vocabulary

/// The `control:` section of a device map: a recipe per mode, and what keeps them in force.
public struct DeviceControl: Sendable, Hashable {
    public var recipes: [ModeKind: ControlRecipe]
    /// The `release` writes: what hands the device back to its own behaviour when no command
    /// holds it any more, as the map states it.
    public var release: [WriteStep]?
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

    /// The writes that hand a device of `kind` back: the map's `release`, else a battery's AUTO
    /// recipe, else a chargepoint's ZERO recipe (a chargepoint nobody commands does not charge).
    public func releaseSteps(for kind: DeviceKind) -> [WriteStep] {
        if let release { return release }
        switch kind {
        case .battery: return recipes[.ess(.auto)]?.steps ?? []
        case .chargepoint: return recipes[.chargepoint(.zero)]?.steps ?? []
        case .meter, .pv: return []
        }
    }

    /// The modes the map can carry out, ESS before chargepoint modes, each by code.
    public var modes: [ModeKind] { recipes.keys.sorted() }
}
