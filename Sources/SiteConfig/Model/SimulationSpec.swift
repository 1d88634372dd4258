/// The `simulation:` section of a device map: what the device's registers mean, so that
/// `busbar simulate` can behave like the product rather than store what it is sent.
///
/// Every expression is evaluated over the device's current point values (write-only points
/// included: the simulated device knows what it was sent), the map's constants and, in
/// ``telemetry``, the simulator's ``variables``. A key that is absent takes the default named on
/// it.
public struct SimulationSpec: Sendable, Hashable {
    /// Names the simulator gives to ``telemetry`` expressions, besides points and constants:
    /// `power` (W, busbar signs: battery + discharge, chargepoint + charging, PV + producing), `current` (A per
    /// phase a chargepoint draws) and `fallback_left` (s until the fallback of the map applies;
    /// 0 when none is pending).
    public static let variables = ["power", "current", "fallback_left"]

    // MARK: Batteries

    /// Non-zero while external control is on: the battery then follows ``power``. Default 0 (the
    /// battery only ever regulates the grid itself).
    public var active: Expression?
    /// The set-point in busbar signs (W, + discharge) while ``active``.
    public var power: Expression?
    /// The largest charge power the device allows itself, in W ≥ 0; a negative value means no
    /// limit (a Victron's −1 A). Applies in every mode. Default: no limit.
    public var chargeLimit: Expression?
    /// The largest discharge power, as ``chargeLimit``.
    public var dischargeLimit: Expression?
    /// The grid power (W, + import) the battery regulates to while not ``active`` (a Victron's
    /// ESS mode 2 grid set-point). Default 0: self-consumption.
    public var gridTarget: Expression?
    /// The SoC (%) below which the battery does not discharge by itself; default 0.
    public var socMin: Expression?
    /// The SoC (%) above which it does not charge; default 100.
    public var socMax: Expression?
    /// The time constant of the battery's first-order response to a new power (a set-point, or
    /// the power its own regulation asks for): after one time constant it has moved 63 % of
    /// the way, after three 95 %. Zero answers at once. Default ``defaultResponseTime``.
    public var responseTime: Duration?
    /// The most the battery's power changes per second, W/s, on top of the lag; default none.
    public var rampRate: Double?

    /// About what real battery inverters take to follow a new set-point.
    public static let defaultResponseTime: Duration = .seconds(1)

    // MARK: Chargepoints

    /// The current offered to the car, A per phase. Default: the `current_limit` point.
    public var current: Expression?
    /// Non-zero while the chargepoint may charge (Phoenix's enable coil). Default 1.
    public var enabled: Expression?
    /// Phases the car charges on. Default: the site's `phases` rating, else 3.
    public var phases: Expression?
    /// The raw value the `status` point shows in each state of the car. Default: from the
    /// status point's `values:` names (idle, connected, charging, …) or IEC 61851 letters.
    public var status: [ChargeState: PresetValue]

    // MARK: PV

    /// The most a PV device may produce, W ≥ 0, as its curtailment registers say; a negative
    /// value means no limit. Default: no limit.
    public var limit: Expression?

    // MARK: Every kind

    /// Engineering values points hold when the simulated device starts (a battery voltage, a
    /// safe current, an ESS mode).
    public var initial: [String: PresetValue]
    /// Read-only points the simulator computes at every step, besides the well-known ones it
    /// fills by itself (`soc`, `active_power`, `status`, …).
    public var telemetry: [String: Expression]
    /// How often the device updates its read-only registers, as a meter that samples: between
    /// updates they hold the values of the last one. Default: at every simulation step.
    public var updateInterval: Duration?

    public init(
        active: Expression? = nil, power: Expression? = nil, chargeLimit: Expression? = nil,
        dischargeLimit: Expression? = nil, gridTarget: Expression? = nil, socMin: Expression? = nil,
        socMax: Expression? = nil, current: Expression? = nil, enabled: Expression? = nil, phases: Expression? = nil,
        status: [ChargeState: PresetValue] = [:], initial: [String: PresetValue] = [:],
        telemetry: [String: Expression] = [:], responseTime: Duration? = nil, rampRate: Double? = nil,
        limit: Expression? = nil, updateInterval: Duration? = nil
    ) {
        self.active = active
        self.power = power
        self.chargeLimit = chargeLimit
        self.dischargeLimit = dischargeLimit
        self.gridTarget = gridTarget
        self.socMin = socMin
        self.socMax = socMax
        self.current = current
        self.enabled = enabled
        self.phases = phases
        self.status = status
        self.initial = initial
        self.telemetry = telemetry
        self.responseTime = responseTime
        self.rampRate = rampRate
        self.limit = limit
        self.updateInterval = updateInterval
    }
}

/// Where a car stands at a chargepoint, as its `status` point shows it.
public enum ChargeState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No car (IEC 61851 state A).
    case unplugged
    /// A car, not charging: no current offered, or charging disabled (state B).
    case connected
    /// The car draws current (state C).
    case charging
    /// The car is full and draws nothing although current is offered (state B2).
    case finished

    public var description: String { rawValue }
}

/// A value written into a point by the simulator: a number in engineering units, or text.
public enum PresetValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public var description: String {
        switch self {
        case .number(let value): Quantity.format(value)
        case .text(let text): "\"\(text)\""
        }
    }
}
