extension RegisterCodec {
    /// The value in engineering units: `raw × scale + offset` (a `bool` reads as 0 or 1).
    ///
    /// A float32 is widened through its shortest decimal form, so a register holding 230.1
    /// gives 230.1 rather than 230.10000610351562; engineering values are for people and
    /// control logic, while ``decode(_:)`` keeps the exact bits.
    public func engineeringValue(_ words: some Collection<UInt16>) throws(CodecError) -> Double {
        let raw = try decode(words)
        guard var number = raw.doubleValue else {
            throw CodecError(.typeMismatch, "\(valueType.name) holds text, which has no engineering value")
        }
        if valueType == .float32, number.isFinite, let shortest = Double(Float(number).description) {
            number = shortest
        }
        return applyScale(number) + offset
    }

    /// The registers for an engineering value: `(value − offset) / scale`, rounded to the
    /// nearest integer for integer types (halves away from zero) and stored as is for floats.
    public func encode(engineering value: Double) throws(CodecError) -> [UInt16] {
        guard scale != 0, scale.isFinite else {
            throw CodecError(
                .invalidScale,
                "scale \(RegisterValue.format(scale)) cannot be inverted to write \(RegisterValue.format(value))"
            )
        }
        let raw = removeScale(value - offset)
        switch valueType {
        case .float32, .float64:
            return try encode(.float(raw))
        case .string:
            throw CodecError.typeMismatch(.float(value), valueType)
        case .int16, .uint16, .int32, .uint32, .int64, .uint64, .bool:
            let rounded = raw.rounded(.toNearestOrAwayFromZero)
            let shown =
                isIdentity
                ? RegisterValue.format(value)
                : "\(RegisterValue.format(value)) (raw \(RegisterValue.format(rounded)))"
            let integer = try wholeNumber(rounded, shown: shown)
            try checkRange(integer, shown: shown)
            return order.arrange(bigEndianWords(UInt64(truncatingIfNeeded: integer)))
        }
    }

    /// True when scale and offset leave values unchanged.
    var isIdentity: Bool { scale == 1 && offset == 0 }

    // A scale like 0.1 or 0.01 is a power of ten that a Double cannot hold exactly; dividing by
    // its exact inverse (10, 100) keeps results decimal: 3 × 0.1 is 0.30000000000000004, 3 / 10
    // is 0.3. The same holds in reverse when writing.

    private func applyScale(_ raw: Double) -> Double {
        if let divisor = exactInverse { return raw / divisor }
        return raw * scale
    }

    private func removeScale(_ value: Double) -> Double {
        if let divisor = exactInverse { return value * divisor }
        return value / scale
    }

    /// `1 / scale` when it is a whole number above 1 (up to the rounding of `scale` itself).
    private var exactInverse: Double? {
        guard scale.magnitude < 1, scale != 0 else { return nil }
        let inverse = (1 / scale).rounded()
        guard inverse.magnitude > 1, ((1 / scale) - inverse).magnitude <= inverse.magnitude * 1e-12 else {
            return nil
        }
        return inverse
    }
}
