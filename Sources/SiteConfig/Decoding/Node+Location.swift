import Yams

extension Node {
    func location(in file: String) -> SourceLocation {
        let mark = mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Where the text of a scalar starts: one column right of the mark for a quoted scalar.
    func textLocation(in file: String) -> SourceLocation {
        let location = location(in: file)
        if case .scalar(let scalar) = self, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
            return location.shifted(by: 1)
        }
        return location
    }

    /// True for `~`, `null` and an empty value.
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a message shows what was found: `"five"`, `50 kW`, `a list`, `a mapping`, `nothing`.
    var found: String {
        switch self {
        case .scalar(let scalar):
            if isNull { return "nothing" }
            if scalar.style == .plain, Double(scalar.string) != nil || YAMLNumber.integer(scalar.string) != nil {
                return scalar.string
            }
            return "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// Numbers as device maps write them: decimal or `0x` hexadecimal, `_` allowed as separator.
enum YAMLNumber {
    static func integer(_ text: String) -> Int? {
        var digits = text.replacingUnderscores()
        var negative = false
        if digits.hasPrefix("-") {
            negative = true
            digits.removeFirst()
        } else if digits.hasPrefix("+") {
            digits.removeFirst()
        }
        let magnitude: Int?
        if digits.lowercased().hasPrefix("0x") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else {
            magnitude = digits.allSatisfy(\.isASCII) ? Int(digits) : nil
        }
        return magnitude.map { negative ? -$0 : $0 }
    }

    static func double(_ text: String) -> Double? {
        if let integer = integer(text) { return Double(integer) }
        guard let value = Double(text.replacingUnderscores()), value.isFinite else { return nil }
        return value
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
