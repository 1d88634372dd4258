/// A number with a unit, as a site file writes it: `50 kW`, `100 kWh`, `500 ms`, `6 A`.
///
/// ``value`` is in the base unit of the ``Dimension`` (W, Wh, s, A, V, %), which is what busbar
/// uses everywhere inside (docs/design.md §2.1).
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    public enum Dimension: String, Sendable, Hashable, CaseIterable {
        case power, energy, duration, current, voltage, percent

        /// The base unit values are kept in.
        public var baseUnit: String {
            switch self {
            case .power: "W"
            case .energy: "Wh"
            case .duration: "s"
            case .current: "A"
            case .voltage: "V"
            case .percent: "%"
            }
        }

        /// How a message names what was expected: "a power such as `5 kW`".
        var example: String {
            switch self {
            case .power: "a power such as `5 kW`"
            case .energy: "an energy such as `10 kWh`"
            case .duration: "a duration such as `60 s`"
            case .current: "a current such as `16 A`"
            case .voltage: "a voltage such as `230 V`"
            case .percent: "a percentage such as `10 %`"
            }
        }
    }

    public var value: Double
    package var dimension: Dimension

    public init(_ value: Double, _ dimension: Dimension) {
        self.value = value
        self.dimension = dimension
    }

    /// Units by lower-case spelling: dimension and factor to the base unit. Matching ignores
    /// case (`kw` is `kW`); nobody rates a site device in milliwatts, so `MW` and `mW` are
    /// both megawatts.
    private static let units: [String: (Dimension, Double)] = [
        "w": (.power, 1), "kw": (.power, 1e3), "mw": (.power, 1e6),
        "wh": (.energy, 1), "kwh": (.energy, 1e3), "mwh": (.energy, 1e6),
        "ms": (.duration, 1e-3), "s": (.duration, 1), "sec": (.duration, 1), "min": (.duration, 60),
        "h": (.duration, 3600),
        "ma": (.current, 1e-3), "a": (.current, 1),
        "v": (.voltage, 1), "kv": (.voltage, 1e3),
        "%": (.percent, 1),
    ]

    /// Reads `NUMBER UNIT` (the space is optional), in any dimension.
    public static func parse(_ text: String) throws(QuantityError) -> Quantity {
        try parse(text, expected: "a number with a unit such as `5 kW`, `10 kWh`, `60 s` or `16 A`")
    }

    /// Reads a quantity of one dimension and returns its value in the base unit; a bare
    /// number is accepted for percentages.
    public static func parse(_ text: String, as dimension: Dimension) throws(QuantityError) -> Double {
        if dimension == .percent, let number = Double(text.trimmingWhitespace()), number.isFinite {
            return number
        }
        let quantity = try parse(text, expected: dimension.example)
        guard quantity.dimension == dimension else {
            throw QuantityError("found \(quantity.dimension.rawValue) \"\(text)\", expected \(dimension.example)")
        }
        return quantity.value
    }

    private static func parse(_ text: String, expected: String) throws(QuantityError) -> Quantity {
        let trimmed = text.trimmingWhitespace()
        // The longest prefix that is a number: "1e3" is one, while in "5 e" the "e" is not.
        var split = trimmed.firstIndex { !"0123456789.+-eE".contains($0) } ?? trimmed.endIndex
        while split > trimmed.startIndex, Double(trimmed[..<split]) == nil { split = trimmed.index(before: split) }
        guard split > trimmed.startIndex, let number = Double(trimmed[..<split]), number.isFinite else {
            throw QuantityError("found \"\(text)\", expected \(expected)")
        }
        let unit = String(trimmed[split...]).trimmingWhitespace()
        if unit.isEmpty {
            throw QuantityError("found \(text) without a unit, expected \(expected)")
        }
        guard let (dimension, factor) = units[unit.lowercased()] else {
            throw QuantityError("found unknown unit \"\(unit)\" in \"\(text)\", expected \(expected)")
        }
        return Quantity(number * factor, dimension)
    }

    /// `5000 W`, `0.5 s`: the value in its base unit.
    public var description: String { "\(Self.format(value)) \(dimension.baseUnit)" }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), value.magnitude < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension String {
    /// The text without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return String(self[start..<end])
    }
}
