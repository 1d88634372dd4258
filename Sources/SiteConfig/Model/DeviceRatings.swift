/// What one installed device is rated for, in busbar's units.
public struct DeviceRatings: Sendable, Hashable {
    /// Usable energy in Wh (batteries).
    public var capacity: Double?
    /// Largest charge or discharge power in W.
    public var maxPower: Double?
    /// Largest current per phase in A (chargepoints; at least 6 A).
    public var maxCurrent: Double?
    /// 1 or 3 (chargepoints).
    public var phases: Int?
    /// SoC reserve in % the gateway keeps (batteries).
    public var minSoc: Double?
    /// SoC in % above which the gateway does not charge (batteries).
    public var maxSoc: Double?

    public init(
        capacity: Double? = nil, maxPower: Double? = nil, maxCurrent: Double? = nil, phases: Int? = nil,
        minSoc: Double? = nil, maxSoc: Double? = nil
    ) {
        self.capacity = capacity
        self.maxPower = maxPower
        self.maxCurrent = maxCurrent
        self.phases = phases
        self.minSoc = minSoc
        self.maxSoc = maxSoc
    }
}
