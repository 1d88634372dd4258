public import Vocabulary

/// The state a grid mode carries from one decision to the next, per command: a PI controller in
/// velocity form that turns the grid meter's error into a power for the ESS cluster.
///
/// At each new meter sample the output moves by `P·Δe + I·Δt·e`, where `e` is the grid power
/// above its aim (+ import): GRID_SETPOINT aims at its grid power; GRID_LIMIT at the limit the
/// grid is beyond, and only while it is beyond it or the batteries still work against it. The
/// output starts from the batteries' power (no bump when the mode takes over), is clamped into
/// what the commands before it and the batteries allow, and so never winds up. Between samples
/// the output holds. Pure: every step takes the instant and the readings.
public struct GridController: Hashable, Sendable {
    /// What a step asks of the batteries.
    public enum Output: Hashable, Sendable {
        /// Run the cluster at this power, W (positive = discharge).
        case power(Watts)
        /// Nothing: the batteries run themselves (GRID_LIMIT inside its limits).
        case idle
        /// The meter reading is missing or stale beyond the hold: released to AUTO.
        case inputMissing
    }

    /// The last output, W; `nil` before the first sample, while GRID_LIMIT idles, or after a
    /// release.
    public private(set) var output: Watts?
    private var lastError: Watts = 0
    /// Whether the last output was held at a bound: the step out of it takes no proportional kick
    /// from the error it could not act on.
    private var saturated = false
    /// What the last sample asked for before the clamp, so the status shows the clamp until the
    /// next sample.
    private var requested: Watts?
    private var lastSample: ControlInstant?
    private var missingSince: ControlInstant?
    /// The mode it was stepped for: another mode kind starts afresh.
    private var mode: EssModeKind?

    public init() {}

    /// One decision at `now`.
    /// - Parameters:
    ///   - grid: the grid meter's reading (+ import), `nil` without an online meter.
    ///   - essPower: what the batteries deliver now, W (the starting point).
    ///   - feasible: what the commands before it and the batteries allow the cluster, W.
    public mutating func step(
        _ mode: EssMode, grid: Reading?, essPower: Watts, feasible: PowerInterval, settings: GridControlSettings,
        at now: ControlInstant
    ) -> Output {
        if self.mode != mode.kind { self = GridController() }
        self.mode = mode.kind
        guard let grid, grid.age(at: now) <= settings.maxAge, !grid.value.isNaN else {
            let since = missingSince ?? now
            missingSince = since
            if let output, since.duration(to: now) < settings.hold { return .power(feasible.clamp(output)) }
            self = GridController()
            self.mode = mode.kind
            missingSince = since
            return .inputMissing
        }
        missingSince = nil
        let isNewSample = grid.at == nil || grid.at != lastSample
        guard isNewSample else { return (requested ?? output).map { .power($0) } ?? .idle }
        var elapsed = 0.0
        if let last = lastSample, let sample = grid.at { elapsed = min(max(0, last.duration(to: sample).seconds), 5) }
        lastSample = grid.at
        guard let (error, range) = Self.aim(mode, grid: grid.value, active: output) else {
            // GRID_LIMIT inside its limits: the batteries run themselves.
            output = nil
            requested = nil
            return .idle
        }
        // Taking over starts from what the batteries deliver now (in the mode's direction).
        let start = output ?? range.clamp(essPower)
        let previousError = output == nil ? 0 : saturated ? error : lastError
        let step = settings.proportional * (error - previousError) + settings.integral * elapsed * error
        let wanted = range.clamp(start + step)
        // Kept inside what is feasible, so the integral never winds up; the wanted power goes to
        // the resolver, which clamps it the same way and shows the clamp in the status.
        let next = (range.intersection(feasible) ?? PowerInterval(min: 0, max: 0)).clamp(wanted)
        lastError = error
        saturated = next != wanted
        if mode.kind == .gridLimit && next == 0 {
            output = nil
            requested = nil
            return .idle
        }
        output = next
        requested = wanted
        return .power(wanted)
    }

    /// The grid error the mode works on and the directions its output may take; `nil` when
    /// GRID_LIMIT has nothing to do (inside its limits, and not `active` against one).
    private static func aim(_ mode: EssMode, grid: Watts, active: Watts?) -> (Watts, PowerInterval)? {
        switch mode {
        case .gridSetpoint(let target):
            return (grid - target, .unbounded)
        case .gridLimit(let maxImport, let maxExport):
            if (active ?? 0) > 0 || (active == nil && grid > maxImport) {
                return (grid - maxImport, PowerInterval(min: 0))
            }
            if (active ?? 0) < 0 || (active == nil && grid < -maxExport) {
                return (grid + maxExport, PowerInterval(max: 0))
            }
            return nil
        default:
            return nil
        }
    }
}
