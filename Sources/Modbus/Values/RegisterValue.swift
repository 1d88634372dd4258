/// A raw value as it sits in registers, before scale and offset.
public enum RegisterValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case string(String)
    case bool(Bool)

    /// The value as a number (`true` is 1), or nil for text.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        case .float(let value): value
        case .bool(let value): value ? 1 : 0
        case .string: nil
        }
    }

    /// The value as a person would write it: `16`, not `16.0`; `0.1` for a float32 0.1.
    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .float(let value): Self.format(value)
        case .string(let value): value
        case .bool(let value): String(value)
        }
    }

    /// Prints whole numbers without a fraction, and a number that a float32 holds exactly with
    /// the shortest digits that give back that float32: a float32 0.1 is 0.100000001490116…
    /// as a Double, and printing those digits would only show the register's rounding.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), value.magnitude < 1e15 {
            return String(Int64(value))
        }
        if let single = Float(exactly: value) {
            return single.description
        }
        return value.description
    }
}

extension RegisterValue {
    /// Values are equal when they read the same: every NaN equals every NaN (a float "not
    /// available" sentinel is NaN, and a map must equal itself for a reload to keep its device).
    public static func == (lhs: RegisterValue, rhs: RegisterValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let left), .int(let right)): left == right
        case (.uint(let left), .uint(let right)): left == right
        case (.float(let left), .float(let right)): left == right || (left.isNaN && right.isNaN)
        case (.string(let left), .string(let right)): left == right
        case (.bool(let left), .bool(let right)): left == right
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let value):
            hasher.combine(0)
            hasher.combine(value)
        case .uint(let value):
            hasher.combine(1)
            hasher.combine(value)
        case .float(let value):
            hasher.combine(2)
            hasher.combine(value.isNaN ? .nan : value)
        case .string(let value):
            hasher.combine(3)
            hasher.combine(value)
        case .bool(let value):
            hasher.combine(4)
            hasher.combine(value)
        }
    }
}
