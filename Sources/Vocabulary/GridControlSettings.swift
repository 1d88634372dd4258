/// How the grid modes (GRID_SETPOINT, GRID_LIMIT) follow the meter: the PI controller's gains
/// and what a missing meter reading does (the site file's `grid_control: {p, i, max_age, hold}`,
/// docs/design.md §2.8a), as the site file gives them and the control core uses them.
public struct GridControlSettings: Hashable, Sendable {
    /// The proportional gain: the share of a change in the grid error taken at once.
    public var proportional: Double
    /// The integral gain, per second: the share of the remaining error removed per second.
    public var integral: Double
    /// A grid reading older than this counts as missing.
    public var maxAge: Duration
    /// How long the last ESS power is held once the reading is missing; then the mode releases
    /// the batteries to AUTO until the meter is back.
    public var hold: Duration

    /// The defaults, measured on a simulated site (docs/benchmarks.md): after a 3 kW load step,
    /// with inverters lagging 1 s, settled within two 1 s meter polls, overshoot about 3 %.
    public init(
        proportional: Double = 0.6, integral: Double = 1.0, maxAge: Duration = .seconds(5),
        hold: Duration = .seconds(5)
    ) {
        self.proportional = proportional
        self.integral = integral
        self.maxAge = maxAge
        self.hold = hold
    }
}
