/// Recursive descent over the expression grammar:
///
///     compare = sum (("==" | "!=" | "<=" | ">=" | "<" | ">") sum)?
///     sum     = product (("+" | "-") product)*
///     product = unary (("*" | "/") unary)*
///     unary   = "-" unary | primary
///     primary = number | 0xHEX | name | name "(" compare "," compare ")"
///             | "if" "(" compare "," compare "," compare ")" | "(" compare ")"
struct ExpressionParser {
    private let characters: [Character]
    private var position = 0

    init(_ text: String) {
        characters = Array(text)
    }

    mutating func parseAll() throws(ExpressionError) -> Expression {
        skipSpaces()
        if position == characters.count {
            throw ExpressionError("found an empty expression, expected a number, parameter or point name", at: 0)
        }
        let expression = try parseComparison()
        skipSpaces()
        if position < characters.count {
            throw ExpressionError(
                "found \"\(characters[position])\", expected an operator (+ - * / == != < <= > >=) or the end",
                at: position)
        }
        return expression
    }

    /// One comparison at most: `a < b < c` says nothing a reader can trust.
    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        let lhs = try parseSum()
        guard let op = peekComparison() else { return lhs }
        position += op.rawValue.count
        return .binary(op, lhs, try parseSum())
    }

    private mutating func peekComparison() -> Expression.Operator? {
        skipSpaces()
        let rest = characters[position...].prefix(2)
        for op in [Expression.Operator.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater]
        where rest.starts(with: op.rawValue) {
            return op
        }
        return nil
    }

    private mutating func parseSum() throws(ExpressionError) -> Expression {
        var result = try parseProduct()
        while let op = peekOperator([.add, .subtract]) {
            position += 1
            result = .binary(op, result, try parseProduct())
        }
        return result
    }

    private mutating func parseProduct() throws(ExpressionError) -> Expression {
        var result = try parseUnary()
        while let op = peekOperator([.multiply, .divide]) {
            position += 1
            result = .binary(op, result, try parseUnary())
        }
        return result
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        skipSpaces()
        if position < characters.count, characters[position] == "-" {
            position += 1
            let operand = try parseUnary()
            if case .number(let value) = operand { return .number(-value) }
            return .negate(operand)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        skipSpaces()
        guard position < characters.count else {
            throw ExpressionError("found the end, expected a number, parameter or point name", at: position)
        }
        let start = position
        let character = characters[position]
        if character == "(" {
            position += 1
            let inner = try parseComparison()
            try expect(")")
            return inner
        }
        if character == "0", position + 1 < characters.count, characters[position + 1] == "x" {
            position += 2
            while position < characters.count, characters[position].isHexDigit { position += 1 }
            let digits = String(characters[(start + 2)..<position])
            guard let value = UInt64(digits, radix: 16) else {
                throw ExpressionError("found \"0x\(digits)\", expected a hexadecimal number", at: start)
            }
            return .number(Double(value))
        }
        if character.isNumber || character == "." {
            while position < characters.count, characters[position].isNumber || characters[position] == "." {
                position += 1
            }
            let text = String(characters[start..<position])
            guard let value = Double(text) else {
                throw ExpressionError("found \"\(text)\", expected a number", at: start)
            }
            return .number(value)
        }
        if character.isLetter || character == "_" {
            while position < characters.count,
                characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
            {
                position += 1
            }
            let name = String(characters[start..<position])
            skipSpaces()
            guard position < characters.count, characters[position] == "(" else { return .name(name) }
            if name == Expression.conditionName {
                position += 1
                let test = try parseComparison()
                try expect(",")
                let then = try parseComparison()
                try expect(",")
                let otherwise = try parseComparison()
                try expect(")")
                return .condition(test, then, otherwise)
            }
            guard let function = Expression.Function(rawValue: name) else {
                throw ExpressionError("found a call to \"\(name)\", expected min, max, round or if", at: start)
            }
            position += 1
            let lhs = try parseComparison()
            try expect(",")
            let rhs = try parseComparison()
            try expect(")")
            return .call(function, lhs, rhs)
        }
        throw ExpressionError("found \"\(character)\", expected a number, parameter or point name", at: start)
    }

    private mutating func peekOperator(_ candidates: [Expression.Operator]) -> Expression.Operator? {
        skipSpaces()
        guard position < characters.count else { return nil }
        return candidates.first { $0.rawValue == String(characters[position]) }
    }

    private mutating func expect(_ character: Character) throws(ExpressionError) {
        skipSpaces()
        guard position < characters.count, characters[position] == character else {
            let found = position < characters.count ? "\"\(characters[position])\"" : "the end"
            throw ExpressionError("found \(found), expected \"\(character)\"", at: position)
        }
        position += 1
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }
}
