public import Vocabulary

/// The `control:` section of a device map: a recipe per mode, and what keeps them in force.
public struct DeviceControl: Sendable, Hashable {
    /// The name a PV map gives its curtailment recipe under `control.modes`.
    public static let limitProductionName = "LIMIT_PRODUCTION"

    public var recipes: [ModeKind: ControlRecipe]
    /// A PV device's `LIMIT_PRODUCTION(power)` recipe: the writes that cap its production at
    /// `power` W. `busbar check` validates it, but the control core has no PV mode yet
    /// (`ModeKind` has none), so nothing orders it and the gateway never writes it.
    public var limitProduction: [WriteStep]?
    /// The `release` writes: what hands the device back to its own behaviour when no command
    /// holds it any more, as the map states it.
    public var release: [WriteStep]?
    public var refresh: Refresh?
    public var heartbeat: Heartbeat?
    /// Whether writes are verified by reading the point back (not for write-only points).
    public var readback: Bool

    public init(
        recipes: [ModeKind: ControlRecipe] = [:], limitProduction: [WriteStep]? = nil, refresh: Refresh? = nil,
        heartbeat: Heartbeat? = nil, readback: Bool = false
    ) {
        self.recipes = recipes
        self.limitProduction = limitProduction
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
