extension ValueType {
    /// The integers an integer type (or `bool`, as 0 and 1) can hold; `nil` for floats and text.
    public var integerRange: ClosedRange<Int128>? {
        switch self {
        case .int16: Int128(Int16.min)...Int128(Int16.max)
        case .uint16: 0...Int128(UInt16.max)
        case .int32: Int128(Int32.min)...Int128(Int32.max)
        case .uint32: 0...Int128(UInt32.max)
        case .int64: Int128(Int64.min)...Int128(Int64.max)
        case .uint64: 0...Int128(UInt64.max)
        case .bool: 0...1
        case .float32, .float64, .string: nil
        }
    }

    /// The raw value that means "not implemented" or "unknown": the most negative number of a
    /// signed type (int16 0x8000, int32 0x80000000, …), all ones for an unsigned type (0xFFFF,
    /// 0xFFFFFFFF, …), NaN for floats; SunSpec (pysunspec2) and SMA use these. Flags and text
    /// have none.
    public var notImplemented: RegisterValue? {
        switch self {
        case .int16, .int32, .int64: integerRange.map { .int(Int64($0.lowerBound)) }
        case .uint16, .uint32, .uint64: integerRange.map { .uint(UInt64($0.upperBound)) }
        case .float32, .float64: .float(.nan)
        case .bool, .string: nil
        }
    }

    /// The words a server publishes for a value it does not know: ``notImplemented`` for numbers,
    /// 0xFFFF for a flag (neither 0 nor 1 as written), zeros (an empty text) for text.
    public var unknownWords: [UInt16] {
        switch self {
        case .bool: [0xFFFF]
        case .string(let registers): Array(repeating: 0, count: registers)
        default: notImplemented.flatMap { try? RegisterCodec(valueType: self).encode($0) } ?? []
        }
    }

    /// ``unknownWords`` as a register-map document writes them: `0x8000`, `0xFFFFFFFF`, `NaN`,
    /// `empty`.
    public var unknownText: String {
        switch self {
        case .float32, .float64: "NaN"
        case .string: "empty"
        default: "0x" + unknownWords.map { String($0, radix: 16, uppercase: true).leftPadded(to: 4) }.joined()
        }
    }

    /// The numbers an integer type holds short of its unknown value, so that a large number is
    /// never published as "unknown"; `nil` for floats and text.
    public var knownRange: ClosedRange<Double>? {
        guard var range = integerRange else { return nil }
        switch notImplemented {
        case .int?: range = (range.lowerBound + 1)...range.upperBound
        case .uint?: range = range.lowerBound...(range.upperBound - 1)
        default: break
        }
        // A 64-bit bound is not a Double: take the nearest Double inside the range.
        var lower = Double(range.lowerBound)
        var upper = Double(range.upperBound)
        if Int128(lower) < range.lowerBound { lower = lower.nextUp }
        if Int128(upper) > range.upperBound { upper = upper.nextDown }
        return lower...upper
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
