import Vocabulary

/// A closed interval of power in watts, `[min, max]`, whose ends may be infinite.
///
/// Constraints, device limits and allocation bounds are all intervals. The same type carries
/// currents in amperes where chargepoint currents are shared out.
public struct PowerInterval: Hashable, Sendable, CustomStringConvertible {
    /// The lower end (the most charging power for an ESS).
    public var min: Double
    /// The upper end (the most discharging power for an ESS).
    public var max: Double

    /// The interval `[min, max]`. An interval with `min > max` (or a NaN end) is empty.
    public init(min: Double = -.infinity, max: Double = .infinity) {
        self.min = min
        self.max = max
    }

    /// The interval that allows everything.
    package static let unbounded = PowerInterval()

    /// The interval holding exactly `value`.
    public static func point(_ value: Double) -> PowerInterval {
        PowerInterval(min: value, max: value)
    }

    /// Whether no value lies in the interval.
    public var isEmpty: Bool { !(min <= max) }

    /// Whether `value` lies in the interval.
    public func contains(_ value: Double) -> Bool {
        min <= value && value <= max
    }

    /// The values in both intervals, or `nil` when they do not overlap.
    public func intersection(_ other: PowerInterval) -> PowerInterval? {
        let result = PowerInterval(min: Swift.max(min, other.min), max: Swift.min(max, other.max))
        return result.isEmpty ? nil : result
    }

    /// The value of the interval nearest to `value`; an empty interval returns its `min`.
    public func clamp(_ value: Double) -> Double {
        if value.isNaN { return clamp(0) }
        return Swift.max(min, Swift.min(max, value))
    }

    /// The Minkowski sum: every sum of one value from each interval.
    public static func + (lhs: PowerInterval, rhs: PowerInterval) -> PowerInterval {
        PowerInterval(min: lhs.min + rhs.min, max: lhs.max + rhs.max)
    }

    public var description: String { "[\(min), \(max)]" }
}

extension Sequence<PowerInterval> {
    /// The interval of all sums, `[Σmin, Σmax]`; `[0, 0]` for no intervals.
    var sum: PowerInterval {
        reduce(PowerInterval.point(0), +)
    }
}
