import Modbus

extension RegisterField {
    /// The registers for `value` in the field's style; the unknown pattern for `nil`, a
    /// non-finite number, or a value the type cannot hold.
    public func words(for value: FieldValue?) -> [UInt16] {
        switch value {
        case nil: unknown
        case .words(let words): words.count == count ? words : unknown
        case .text(let text): words(for: text)
        case .number(let number): words(for: number)
        }
    }

    private func words(for number: Double) -> [UInt16] {
        guard number.isFinite else { return unknown }
        let codec = RegisterCodec(valueType: type)
        switch (type, style) {
        case (.string, _):
            return unknown
        case (.float32, .clamping):
            let limit = Double(Float.greatestFiniteMagnitude)
            return (try? codec.encode(engineering: max(-limit, min(limit, number)))) ?? unknown
        case (.float32, .truncating), (.float64, _):
            return (try? codec.encode(engineering: number)) ?? unknown
        case (_, .clamping):
            let range = type.knownRange ?? -.infinity...(.infinity)
            let value = max(range.lowerBound, min(range.upperBound, number.rounded(.toNearestOrAwayFromZero)))
            return (try? codec.encode(engineering: value)) ?? unknown
        case (_, .truncating):
            guard number.magnitude < 9.2e18 else { return unknown }
            let bits = UInt64(bitPattern: Int64(number.rounded(.towardZero)))
            return (0..<count).map { UInt16(truncatingIfNeeded: bits >> (16 * UInt64(count - 1 - $0))) }
        }
    }

    private func words(for text: String) -> [UInt16] {
        guard case .string(let registers) = type else { return unknown }
        let fitted: String
        switch style {
        case .clamping:
            var kept = ""
            for character in text {
                guard kept.utf8.count + String(character).utf8.count <= registers * 2 else { break }
                kept.append(character)
            }
            fitted = kept
        case .truncating:
            fitted = String(
                String.UnicodeScalarView(text.unicodeScalars.map { $0.isASCII ? $0 : "?" }.prefix(registers * 2)))
        }
        return (try? RegisterCodec(valueType: type).encode(.string(fitted))) ?? unknown
    }
}
