/// Reads and writes one value of a ``ValueType`` in registers, in a ``WordOrder``, with the
/// device map's `scale` and `offset`.
///
/// `decode` and `encode(_:)` work on raw values; the `engineering` calls apply
/// `raw × scale + offset` on read and invert it on write, so a map states one scale for both
/// directions (unlike evcc, where a Victron SoC is read with 0.1 but written with 10).
public struct RegisterCodec: Sendable, Hashable {
    public var valueType: ValueType
    public var order: WordOrder
    public var scale: Double
    public var offset: Double

    public init(valueType: ValueType, order: WordOrder = .abcd, scale: Double = 1, offset: Double = 0) {
        self.valueType = valueType
        self.order = order
        self.scale = scale
        self.offset = offset
    }

    /// The raw value held by exactly ``ValueType/registerCount`` registers, in register order.
    public func decode(_ words: some Collection<UInt16>) throws(CodecError) -> RegisterValue {
        guard words.count == valueType.registerCount else {
            throw CodecError.wrongRegisterCount(words.count, valueType)
        }
        if case .string = valueType {
            return .string(decodeString(Array(words)))
        }
        let bits = order.arrange(Array(words)).reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return switch valueType {
        case .int16: .int(Int64(Int16(truncatingIfNeeded: bits)))
        case .uint16: .uint(bits)
        case .int32: .int(Int64(Int32(truncatingIfNeeded: bits)))
        case .uint32: .uint(bits)
        case .int64: .int(Int64(bitPattern: bits))
        case .uint64: .uint(bits)
        case .float32: .float(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))))
        case .float64: .float(Double(bitPattern: bits))
        case .bool: .bool(bits != 0)
        case .string: preconditionFailure("strings are decoded above")
        }
    }

    /// Splits consecutive registers into values of this type, as `busbar read --count 4
    /// --type float32` needs; the register count must be a whole number of values.
    package func decodeMany(_ words: some Collection<UInt16>) throws(CodecError) -> [RegisterValue] {
        let size = valueType.registerCount
        let words = Array(words)
        guard size > 0, words.count % size == 0 else {
            throw CodecError(
                .wrongRegisterCount,
                "\(words.count) registers are not a whole number of \(valueType.name) values of \(size) registers each"
            )
        }
        var values: [RegisterValue] = []
        values.reserveCapacity(words.count / size)
        for start in stride(from: 0, to: words.count, by: size) {
            values.append(try decode(words[start..<start + size]))
        }
        return values
    }

    /// The registers that hold a raw value. Numbers convert between kinds only when nothing is
    /// lost: 70000 is refused for `uint16`, -1 for `uint32`, 2.5 and NaN for any integer type,
    /// 1e40 for `float32` (a float32 may round the digits of a Double, though).
    public func encode(_ value: RegisterValue) throws(CodecError) -> [UInt16] {
        let bits: UInt64
        switch valueType {
        case .string(let registers):
            guard case .string(let text) = value else { throw CodecError.typeMismatch(value, valueType) }
            return try encodeString(text, registers: registers)
        case .float32:
            let number = try number(from: value)
            let single = Float(number)
            if number.isFinite, !single.isFinite {
                let limit = "±\(Float.greatestFiniteMagnitude)"
                throw CodecError.outOfRange(value.description, valueType, expected: limit)
            }
            bits = UInt64(single.bitPattern)
        case .float64:
            bits = try number(from: value).bitPattern
        case .int16, .uint16, .int32, .uint32, .int64, .uint64, .bool:
            let integer = try integer(from: value)
            try checkRange(integer, shown: value.description)
            bits = UInt64(truncatingIfNeeded: integer)
        }
        return order.arrange(bigEndianWords(bits))
    }

    // MARK: - Numbers

    /// The integers the value type can hold.
    var integerRange: ClosedRange<Int128>? { valueType.integerRange }

    func checkRange(_ integer: Int128, shown: String) throws(CodecError) {
        guard let range = integerRange, !range.contains(integer) else { return }
        throw CodecError.outOfRange(shown, valueType, expected: "\(range.lowerBound)…\(range.upperBound)")
    }

    private func integer(from value: RegisterValue) throws(CodecError) -> Int128 {
        switch value {
        case .int(let integer): return Int128(integer)
        case .uint(let integer): return Int128(integer)
        case .bool(let flag): return flag ? 1 : 0
        case .string: throw CodecError.typeMismatch(value, valueType)
        case .float(let number): return try wholeNumber(number, shown: value.description)
        }
    }

    /// A finite Double without a fraction, as an integer; range checks come after.
    func wholeNumber(_ number: Double, shown: String) throws(CodecError) -> Int128 {
        guard number.isFinite, number == number.rounded() else {
            throw CodecError.notAWholeNumber(shown, valueType)
        }
        // Whole Doubles beyond ±2^127 exist; they fit no register anyway.
        guard let integer = Int128(exactly: number) else {
            let expected = integerRange.map { "\($0.lowerBound)…\($0.upperBound)" } ?? "a whole number"
            throw CodecError.outOfRange(shown, valueType, expected: expected)
        }
        return integer
    }

    private func number(from value: RegisterValue) throws(CodecError) -> Double {
        guard let number = value.doubleValue else { throw CodecError.typeMismatch(value, valueType) }
        return number
    }

    /// Spreads the low `registerCount × 16` bits over big-endian words.
    func bigEndianWords(_ bits: UInt64) -> [UInt16] {
        let count = valueType.registerCount
        return (0..<count).map { index in UInt16(truncatingIfNeeded: bits >> (16 * (count - 1 - index))) }
    }

    // MARK: - Text

    /// Strings carry no word order: only the byte swap (`BADC`, `DCBA`) applies, per register.
    private func decodeString(_ words: [UInt16]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * 2)
        for word in order.swapsBytes ? words.map(\.byteSwapped) : words {
            bytes.append(UInt8(word >> 8))
            bytes.append(UInt8(word & 0xFF))
        }
        while let last = bytes.last, last == 0 || last == UInt8(ascii: " ") {
            bytes.removeLast()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func encodeString(_ text: String, registers: Int) throws(CodecError) -> [UInt16] {
        let bytes = Array(text.utf8)
        guard bytes.count <= registers * 2 else {
            throw CodecError.outOfRange(
                "\"\(text)\" (\(bytes.count) bytes)", valueType,
                expected: "at most \(registers * 2) bytes in \(registers) registers"
            )
        }
        let padded = bytes + Array(repeating: 0, count: registers * 2 - bytes.count)
        let words = (0..<registers).map { UInt16(padded[2 * $0]) << 8 | UInt16(padded[2 * $0 + 1]) }
        return order.swapsBytes ? words.map(\.byteSwapped) : words
    }
}
