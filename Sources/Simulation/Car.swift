/// The car at a simulated chargepoint: it draws what the chargepoint offers until its battery
/// reaches the target.
public struct Car: Sendable, Hashable {
    /// Usable battery energy, Wh.
    public var capacity: Double
    /// State of charge, %.
    public var soc: Double
    /// The SoC at which the car stops drawing, %.
    package var targetSoc: Double
    /// The most current the car's on-board charger takes per phase, A.
    public var maxCurrent: Double
    /// Phases the car's charger uses (1 or 3).
    public var phases: Int

    public init(
        capacity: Double = 60_000, soc: Double = 30, targetSoc: Double = 80, maxCurrent: Double = 32, phases: Int = 3
    ) {
        self.capacity = capacity
        self.soc = soc
        self.targetSoc = targetSoc
        self.maxCurrent = maxCurrent
        self.phases = phases
    }

    /// Whether the car has reached its target.
    public var isFull: Bool { soc >= targetSoc }
}
