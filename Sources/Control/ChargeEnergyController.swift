public import Vocabulary

/// The state CHARGE_ENERGY carries from one decision to the next, per command: it counts the
/// energy the target's chargepoints deliver since the command started and turns what is left and
/// the time left into a current at every decision.
///
/// It follows `EnergyPlan` (as late and as evenly as the currents allow, done a minute before the
/// end, or `asap`; a command without an end charges as soon as possible), never above what the commands before it and the
/// chargepoints allow; when even that falls short, it charges at that most and reports the
/// shortfall. A current the plan asks for below the 6 A minimum is raised to it: the target is
/// then met early rather than never.
///
/// Counting: each chargepoint's energy register as first read for the command is its zero. A
/// counter that goes down (reset, rollover, a new session's counter) keeps what it had counted
/// and takes the new value as its zero, so a reset never restarts the target (which would charge
/// up to twice as much) and never makes it negative; at most what was delivered between the last
/// reading and the reset goes uncounted.
///
/// Ends: once the energy is delivered (`met`), or once the car it charged is unplugged — every
/// chargepoint of the target that reported a car since the start reports none (`unplugged`). So
/// a car that left never keeps a current ordered until the end. Without a counter reading it
/// holds its last current for `hold`, then the command is lost with `inputMissing`. Pure: every
/// step takes the instant and the readings.
public struct ChargeEnergyController: Hashable, Sendable {
    /// What a step asks of the chargepoints.
    public enum Output: Hashable, Sendable {
        /// Run each chargepoint of the target at this current, A per phase.
        case current(Amperes)
        /// The energy is delivered: the command ends (its chargepoints are off until then).
        case met
        /// The car left: the command ends.
        case unplugged
        /// A chargepoint's energy counter is unknown beyond the hold.
        case inputMissing
    }

    /// One chargepoint's energy counter as the command counts it.
    struct Counter: Hashable, Sendable {
        /// The reading taken as zero (at the start, or after a reset).
        var zero: WattHours
        /// The last reading.
        var last: WattHours
        /// What was counted before the last reset.
        var banked: WattHours = 0

        init(_ reading: WattHours) {
            zero = reading
            last = reading
        }

        /// Takes `reading`; one below the last is a reset.
        mutating func read(_ reading: WattHours) {
            if reading < last {
                banked += last - zero
                zero = reading
            }
            last = reading
        }

        var delivered: WattHours { banked + last - zero }
    }

    /// The target is met within this much, Wh: half a counter step of whole watt-hours.
    static let tolerance: WattHours = 0.5
    /// The plan means to be done this long before the command's end, so that the decision that
    /// finds the target met (a poll or two after it is) comes before the end, and the command
    /// ends because its energy is delivered, not because its time is up.
    static let finishAhead: Duration = .seconds(60)

    /// The command the controller counts for (its issue instant): a new command starts from zero.
    public let startedAt: ControlInstant
    /// How the target stood at the last step; `nil` before the first, or without inputs.
    public private(set) var status: EnergyTargetStatus?
    private var counters: [DeviceID: Counter] = [:]
    private var sawCar: Set<DeviceID> = []
    private var hold = InputHold<Amperes>()

    public init(startedAt: ControlInstant) {
        self.startedAt = startedAt
    }

    /// The energy delivered so far, Wh.
    public var delivered: WattHours { counters.values.reduce(0) { $0 + $1.delivered } }

    /// One decision at `now`.
    /// - Parameters:
    ///   - energy: the energy to deliver, kWh.
    ///   - asap: charge as soon as possible rather than toward `end`.
    ///   - end: when the target must be met (the command's end); `nil`: as soon as possible.
    ///   - chargepoints: the target's online chargepoints.
    ///   - ceilings: the most current each may take after the commands before this one, A.
    ///   - voltage: the phase voltage that turns amperes into watts.
    ///   - hold: how long the last current is held once a counter is unknown.
    public mutating func step(
        energy: Double, asap: Bool, end: ControlInstant?, chargepoints: [DeviceSnapshot],
        ceilings: [DeviceID: Amperes], voltage: Volts, hold holdTime: Duration, at now: ControlInstant
    ) -> Output {
        let telemetry = chargepoints.compactMap { device in device.chargepoint.map { (device.id, $0) } }
        for (id, chargepoint) in telemetry {
            if chargepoint.plugged == true { sawCar.insert(id) }
        }
        let present = telemetry.filter { sawCar.contains($0.0) }
        if !present.isEmpty, present.allSatisfy({ $0.1.plugged == false }) {
            status = nil
            return .unplugged
        }
        guard !telemetry.isEmpty, telemetry.allSatisfy({ $0.1.energy != nil }) else {
            status = nil
            return hold.missing(at: now, hold: holdTime).map(Output.current) ?? .inputMissing
        }
        for (id, chargepoint) in telemetry {
            guard let reading = chargepoint.energy?.value else { continue }
            counters[id, default: Counter(reading)].read(reading)
        }
        let target = energy * 1000
        let remaining = max(0, target - delivered)
        if remaining <= Self.tolerance {
            status = EnergyTargetStatus(remaining: 0, power: 0, shortfall: 0, reached: true, delivered: delivered)
            hold.known(0)
            return .met
        }
        let taking = telemetry.filter { (ceilings[$0.0] ?? 0) >= $0.1.minimumCurrent }
        let most = taking.reduce(0) { $0 + $1.1.power(ofCurrent: ceilings[$1.0] ?? 0, voltage: voltage) }
        let plan = EnergyPlan(
            remaining: remaining, movable: remaining, most: most, left: end.map { now.duration(to: $0) }, asap: asap,
            ahead: Self.finishAhead)
        let phases = taking.reduce(0) { $0 + Double($1.1.phases.rawValue) }
        var current: Amperes = 0
        if plan.power > 0, phases > 0 {
            let minimum = taking.map(\.1.minimumCurrent).max() ?? ChargepointMode.minimumCurrent
            current = max(minimum, plan.power / (voltage * phases))
        }
        let power = min(most, current * voltage * phases)
        status = EnergyTargetStatus(
            remaining: remaining, power: power, shortfall: plan.shortfall, reached: false, delivered: delivered)
        hold.known(current)
        return .current(current)
    }
}
