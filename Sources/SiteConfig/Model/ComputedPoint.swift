/// A point without registers of its own: its value is an expression over the map's register
/// points and constants, worked out from each read (a chargepoint's `plugged` from its status).
public struct ComputedPoint: Sendable, Hashable {
    public var name: String
    /// Over readable numeric points and constants; comparisons give 1 or 0.
    public var value: Expression
    /// The engineering unit, for display and role checks.
    public var unit: String?

    public init(name: String, value: Expression, unit: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    /// The value, from the engineering values of the points read (by name) and the map's
    /// constants; nil while a point it needs has no value (unread, unreadable, not available).
    public func evaluate(points values: [String: Double], constants: [String: Double]) -> Double? {
        value.evaluate { constants[$0] ?? values[$0] }
    }
}
