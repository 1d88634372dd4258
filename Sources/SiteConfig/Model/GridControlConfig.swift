/// How the grid modes (GRID_SETPOINT, GRID_LIMIT) follow the grid meter (`grid_control:` in the
/// site file): the PI controller's gains and what a missing meter reading does.
public struct GridControlConfig: Sendable, Hashable {
    /// Proportional gain (`p`): the share of a change in the grid error taken at once.
    public var proportional: Double
    /// Integral gain (`i`, per second): the share of the remaining error removed per second.
    public var integral: Double
    /// A grid reading older than this counts as missing (`max_age`).
    public var maxAge: Duration
    /// How long the last ESS power is held while the reading is missing, before the batteries
    /// are released to AUTO (`hold`).
    public var hold: Duration

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
