/// The value of a write step: a number, a mode parameter (`power`, `current`, …), a point read
/// from the device, a map constant, and `+ - * /`, unary minus, parentheses, `min(a, b)`,
/// `max(a, b)`, `round(a, step)` over them. `"maxChargePower / battery_voltage"` turns watts into
/// amperes.
///
/// Comparisons (`== != < <= > >=`, below `+ -` in precedence) give 1 or 0, and
/// `if(condition, then, else)` picks by a non-zero condition: a simulated device reads its own
/// control registers with them (`"if(power_control == 802, power_setpoint, 0)"`).
public indirect enum Expression: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    /// A mode parameter, point or constant, looked up when the expression is evaluated.
    case name(String)
    case negate(Expression)
    case binary(Operator, Expression, Expression)
    case call(Function, Expression, Expression)
    /// `if(condition, then, else)`.
    case condition(Expression, Expression, Expression)

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        /// Whether the operator compares, giving 1 or 0.
        public var isComparison: Bool {
            switch self {
            case .add, .subtract, .multiply, .divide: false
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
            }
        }
    }

    /// The name of the three-argument conditional; reserved like `min` and `max`.
    public static let conditionName = "if"

    public enum Function: String, Sendable, Hashable, CaseIterable {
        case min, max
        /// `round(x, step)`: x rounded to the nearest multiple of step (halves away from zero),
        /// so that values split over registers still add up: `power - 2 * round(power / 3, 1)`.
        case round
    }

    /// Parses the text of a `value:`.
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(text)
        return try parser.parseAll()
    }

    /// The value, or nil when a name has no value (a point not read yet, a parameter the mode
    /// was not given), a division by zero, or any other non-finite result.
    public func evaluate(_ lookup: (String) -> Double?) -> Double? {
        let result: Double?
        switch self {
        case .number(let value):
            result = value
        case .name(let name):
            result = lookup(name)
        case .negate(let operand):
            result = operand.evaluate(lookup).map { -$0 }
        case .binary(let op, let lhs, let rhs):
            guard let left = lhs.evaluate(lookup), let right = rhs.evaluate(lookup) else { return nil }
            switch op {
            case .add: result = left + right
            case .subtract: result = left - right
            case .multiply: result = left * right
            case .divide: result = right == 0 ? nil : left / right
            case .equal: result = left == right ? 1 : 0
            case .notEqual: result = left != right ? 1 : 0
            case .less: result = left < right ? 1 : 0
            case .lessOrEqual: result = left <= right ? 1 : 0
            case .greater: result = left > right ? 1 : 0
            case .greaterOrEqual: result = left >= right ? 1 : 0
            }
        case .call(let function, let lhs, let rhs):
            guard let left = lhs.evaluate(lookup), let right = rhs.evaluate(lookup) else { return nil }
            switch function {
            case .min: result = Swift.min(left, right)
            case .max: result = Swift.max(left, right)
            case .round: result = right == 0 ? nil : (left / right).rounded(.toNearestOrAwayFromZero) * right
            }
        case .condition(let test, let then, let otherwise):
            guard let decision = test.evaluate(lookup) else { return nil }
            result = decision != 0 ? then.evaluate(lookup) : otherwise.evaluate(lookup)
        }
        guard let result, result.isFinite else { return nil }
        return result
    }

    /// Every name the expression looks up.
    public var names: Set<String> {
        switch self {
        case .number: []
        case .name(let name): [name]
        case .negate(let operand): operand.names
        case .binary(_, let lhs, let rhs), .call(_, let lhs, let rhs): lhs.names.union(rhs.names)
        case .condition(let test, let then, let otherwise): test.names.union(then.names).union(otherwise.names)
        }
    }

    /// Fully parenthesised, so the structure shows: `(-(power) / 230)`.
    public var description: String {
        switch self {
        case .number(let value): Quantity.format(value)
        case .name(let name): name
        case .negate(let operand): "-(\(operand))"
        case .binary(let op, let lhs, let rhs): "(\(lhs) \(op.rawValue) \(rhs))"
        case .call(let function, let lhs, let rhs): "\(function.rawValue)(\(lhs), \(rhs))"
        case .condition(let test, let then, let otherwise): "if(\(test), \(then), \(otherwise))"
        }
    }
}
