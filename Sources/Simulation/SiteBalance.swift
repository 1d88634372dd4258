/// The power flows of the simulated site at one instant, W, in busbar signs: the grid meter
/// reports `load − pv − ess + ev` (positive = import).
public struct SiteBalance: Sendable, Hashable {
    public var load: Double
    public var pv: Double
    /// Sum of the batteries, + discharge.
    public var ess: Double
    /// Sum of the chargepoints, + charging.
    package var ev: Double

    public init(load: Double = 0, pv: Double = 0, ess: Double = 0, ev: Double = 0) {
        self.load = load
        self.pv = pv
        self.ess = ess
        self.ev = ev
    }

    /// What the grid meter shows, + import.
    public var grid: Double { load - pv - ess + ev }
}
