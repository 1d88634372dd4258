extension RegisterCodec {
    /// The registers for a command-line argument, read according to the type.
    ///
    /// - `bool`: `true`/`false`, `on`/`off`, `1`/`0`, in any letter case.
    /// - `string`: the text as given.
    /// - numbers: decimal (`42`, `-1.5`, `1e3`) as an engineering value, so scale and offset
    ///   are inverted; or hex (`0x1F`) as the raw register bits, never scaled: `0xFFFF` is -1
    ///   for `int16`, and `0x41800000` is 16.0 for `float32`.
    public func encode(text: String) throws(CodecError) -> [UInt16] {
        switch valueType {
        case .string:
            return try encode(.string(text))
        case .bool:
            switch trimmed(text).lowercased() {
            case "true", "on", "1": return try encode(.bool(true))
            case "false", "off", "0": return try encode(.bool(false))
            default: throw CodecError(.invalidText, "\"\(text)\" is not a bool; use true/false, on/off or 1/0")
            }
        case .int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64:
            let argument = trimmed(text)
            if argument.lowercased().hasPrefix("0x") {
                return try encode(hex: argument)
            }
            // 64-bit integers beyond 2^53 would lose digits on the way through a Double.
            if isIdentity, integerRange != nil {
                if let integer = Int64(argument) { return try encode(.int(integer)) }
                if let integer = UInt64(argument) { return try encode(.uint(integer)) }
            }
            guard let number = Double(argument) else {
                throw CodecError(
                    .invalidText, "\"\(text)\" is not a number; \(valueType.name) takes e.g. 42, -1.5 or 0x2A"
                )
            }
            return isIdentity ? try encode(.float(number)) : try encode(engineering: number)
        }
    }

    private func encode(hex argument: Substring) throws(CodecError) -> [UInt16] {
        let digits = argument.dropFirst(2)
        guard !digits.isEmpty, let bits = UInt64(digits, radix: 16) else {
            throw CodecError(.invalidText, "\"\(argument)\" is not a hexadecimal number of at most 64 bits")
        }
        let width = valueType.registerCount * 16
        guard width >= 64 || bits >> width == 0 else {
            throw CodecError.outOfRange(String(argument), valueType, expected: "\(width) bits")
        }
        return order.arrange(bigEndianWords(bits))
    }

    private func trimmed(_ text: String) -> Substring {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        return text[start..<end]
    }
}
