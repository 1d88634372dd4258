import Vocabulary

/// Intersects the constraints of ESS commands, taken in order of precedence, with the
/// batteries' own limits (docs/design.md §2.4).
///
/// Each command is applied to what the commands before it left:
/// - its bounds narrow its scope (one battery, or the sum over the cluster); bounds that would
///   leave no feasible power are dropped, and the command whose bound they hit is named;
/// - its target becomes a pin, clamped into what is still feasible; a second pin on the same
///   scope loses to the first.
/// So a lower-priority command never moves a higher-priority one, and the final target lies in
/// the final bounds. A target clamped to 0, or past 0 against its direction, is lost: its pin
/// holds its scope at the power nearest 0 that is still feasible, so it is never carried out as
/// its opposite. Every ESS mode's bounds hold 0, as do a battery's limits, so bounds
/// conflict only with pins.
struct EssResolver {
    /// One end of an interval and the rank of the command that set it (`nil`: device limits).
    struct End {
        var value: Watts
        var origin: Int?
    }

    /// An interval whose ends remember their origin.
    struct Bound {
        var lower: End
        var upper: End

        init(_ interval: PowerInterval, origin: Int? = nil) {
            lower = End(value: interval.min, origin: origin)
            upper = End(value: interval.max, origin: origin)
        }

        var interval: PowerInterval { PowerInterval(min: lower.value, max: upper.value) }

        /// The origin of the end that `other`, which does not overlap this bound, falls beyond.
        func originBlocking(_ other: PowerInterval) -> Int? {
            other.max < lower.value ? lower.origin : upper.origin
        }

        /// The bound narrowed by `interval` (which must overlap it), new ends marked `origin`.
        func narrowed(by interval: PowerInterval, origin: Int) -> Bound {
            var result = self
            if interval.min > lower.value { result.lower = End(value: interval.min, origin: origin) }
            if interval.max < upper.value { result.upper = End(value: interval.max, origin: origin) }
            return result
        }
    }

    /// The online batteries, in snapshot order.
    let batteries: [DeviceSnapshot]
    /// Whether targets pin (off: a pass over the constraints alone, for the allowed power).
    let includeTargets: Bool
    private(set) var devices: [DeviceID: Bound]
    private(set) var cluster = Bound(.unbounded)
    private(set) var devicePins: [DeviceID: Int] = [:]
    private(set) var clusterPin: Int?
    /// The commands applied so far, by rank.
    private(set) var refs: [Int: CommandRef] = [:]
    /// The commands that lost, with their rank.
    private(set) var losses: [(rank: Int, loss: LostCommand)] = []
    /// Pinned targets that had to be clamped, by rank.
    private(set) var clamps: [Int: Watts] = [:]
    /// The ranks of pins that clamping voided or reversed: they hold their scope idle.
    private(set) var idlePins: Set<Int> = []

    init(batteries: [DeviceSnapshot], includeTargets: Bool = true) {
        self.batteries = batteries
        self.includeTargets = includeTargets
        devices = Dictionary(
            batteries.map { ($0.id, Bound($0.battery?.limits ?? .point(0))) }, uniquingKeysWith: { first, _ in first })
    }

    /// The sum of the batteries' current bounds.
    var deviceSum: PowerInterval { sum(of: devices) }

    /// The sum of `bounds` over the batteries, in snapshot order so that rounding is the same
    /// on every run (dictionary order is not).
    func sum(of bounds: [DeviceID: Bound], excluding excluded: DeviceID? = nil) -> PowerInterval {
        batteries.compactMap { $0.id == excluded ? nil : bounds[$0.id]?.interval }.sum
    }

    /// The cluster's feasible power: its bounds ∩ the sum of the batteries' bounds.
    var feasible: PowerInterval {
        cluster.interval.intersection(deviceSum) ?? deviceSum
    }

    /// Applies the command `ref` of precedence `rank` (0 = highest). Its target must be the ESS
    /// cluster or an online battery of this resolver.
    mutating func apply(_ ref: CommandRef, rank: Int, constraint: PowerConstraint) {
        refs[rank] = ref
        if let bounds = constraint.bounds {
            guard constrain(ref, rank: rank, to: bounds) else { return }
        }
        if includeTargets, let target = constraint.target {
            pin(ref, rank: rank, at: target, keepsDirection: constraint.keepsDirection)
        }
    }

    /// What a pin on `target` could still take: the cluster's feasible power, or a battery's
    /// bounds within what the cluster leaves it.
    func feasible(for target: Target) -> PowerInterval {
        guard case .device(let id) = target else { return feasible }
        guard let bound = devices[id] else { return .point(0) }
        let others = sum(of: devices, excluding: id)
        let reachable = PowerInterval(min: cluster.lower.value - others.max, max: cluster.upper.value - others.min)
        return bound.interval.intersection(reachable) ?? bound.interval
    }

    private mutating func constrain(_ ref: CommandRef, rank: Int, to bounds: PowerInterval) -> Bool {
        switch ref.target {
        case .device(let id):
            guard let bound = devices[id] else { return false }
            guard bound.interval.intersection(bounds) != nil else {
                lose(ref, rank: rank, blaming: bound.originBlocking(bounds))
                return false
            }
            var trial = devices
            trial[id] = bound.narrowed(by: bounds, origin: rank)
            let sum = sum(of: trial)
            guard cluster.interval.intersection(sum) != nil else {
                lose(ref, rank: rank, blaming: cluster.originBlocking(sum))
                return false
            }
            devices = trial
        default:
            guard let narrowed = cluster.interval.intersection(bounds) else {
                lose(ref, rank: rank, blaming: cluster.originBlocking(bounds))
                return false
            }
            let sum = deviceSum
            guard narrowed.intersection(sum) != nil else {
                let ends = devices.values.map { narrowed.max < sum.min ? $0.lower : $0.upper }
                lose(ref, rank: rank, blaming: ends.compactMap(\.origin).min())
                return false
            }
            cluster = cluster.narrowed(by: bounds, origin: rank)
        }
        return true
    }

    private mutating func pin(_ ref: CommandRef, rank: Int, at target: Watts, keepsDirection: Bool) {
        switch ref.target {
        case .device(let id):
            guard devices[id] != nil else { return }
            if let holder = devicePins[id] {
                return lose(ref, rank: rank, to: holder)
            }
            let value = pinnedValue(
                ref, rank: rank, target: target, within: feasible(for: ref.target), keepsDirection: keepsDirection)
            devices[id] = Bound(.point(value), origin: rank)
            devicePins[id] = rank
        default:
            if let holder = clusterPin {
                return lose(ref, rank: rank, to: holder)
            }
            cluster = Bound(
                .point(pinnedValue(ref, rank: rank, target: target, within: feasible, keepsDirection: keepsDirection)),
                origin: rank)
            clusterPin = rank
        }
    }

    /// The value a pin at `target` takes within `range`: the target clamped, or, when that is 0
    /// or against the target's direction, the value of `range` nearest 0, and the command lost.
    private mutating func pinnedValue(
        _ ref: CommandRef, rank: Int, target: Watts, within range: PowerInterval, keepsDirection: Bool
    ) -> Watts {
        let value = range.clamp(target)
        guard value != target else { return value }
        guard !keepsDirection || target == 0 || value * (target > 0 ? 1 : -1) > Self.tolerance else {
            let reason: LostCommand.Reason =
                range.contains(0) ? .clampedAway(bounds: range) : .reversed(bounds: range)
            losses.append((rank, LostCommand(command: ref, scope: ref.target, reason: reason)))
            idlePins.insert(rank)
            return range.clamp(0)
        }
        clamps[rank] = value
        return value
    }

    private mutating func lose(_ ref: CommandRef, rank: Int, to holder: Int) {
        guard let winner = refs[holder] else { return }
        losses.append((rank, LostCommand(command: ref, scope: ref.target, reason: .targetTakenBy(winner))))
    }

    private mutating func lose(_ ref: CommandRef, rank: Int, blaming origin: Int?) {
        let reason: LostCommand.Reason =
            if let origin, let winner = refs[origin] { .conflictsWith(winner) } else { .conflictsWithDeviceLimits }
        losses.append((rank, LostCommand(command: ref, scope: ref.target, reason: reason)))
    }
}
