public import Vocabulary

/// The chargepoint cluster after the active modes.
public struct ChargepointClusterStatus: Hashable, Sendable {
    /// Online chargepoints.
    public var online: Int
    /// The surplus power SURPLUS chargepoints may use, W; `nil` when none is in SURPLUS.
    package var surplusPower: Watts?
    /// The sum of the ordered currents, A.
    public var current: Amperes
    /// The cap on the sum of the currents from a cluster LIMIT, A.
    public var limit: Amperes?

    public init(online: Int, surplusPower: Watts?, current: Amperes, limit: Amperes?) {
        self.online = online
        self.surplusPower = surplusPower
        self.current = current
        self.limit = limit
    }
}
