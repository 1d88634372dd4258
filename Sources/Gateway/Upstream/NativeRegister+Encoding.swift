import Modbus

extension NativeRegister {
    /// The words of a value that is unknown or unknowable now (no decision yet, a device offline,
    /// no meter): the most negative number for signed types, all ones for unsigned types, NaN for
    /// float32, and an empty (all-zero) text for strings. SunSpec uses the same "not implemented"
    /// values.
    var sentinel: [UInt16] { type.unknownWords }

    /// The documented text of the sentinel, for the map's document.
    var sentinelText: String { type.unknownText }

    /// The registers for a number: rounded to whole units for integer types and held inside the
    /// type's range short of the sentinel, so a huge value never reads as "unknown". `nil` and
    /// non-finite numbers give the sentinel.
    func words(for number: Double?) -> [UInt16] {
        guard let number, number.isFinite else { return sentinel }
        let codec = RegisterCodec(valueType: type)
        let value: Double
        switch type {
        case .float32:
            value = max(-Double(Float.greatestFiniteMagnitude), min(Double(Float.greatestFiniteMagnitude), number))
        case .string:
            return sentinel
        default:
            let range = type.knownRange ?? -.infinity...(.infinity)
            value = max(range.lowerBound, min(range.upperBound, number.rounded(.toNearestOrAwayFromZero)))
        }
        return (try? codec.encode(engineering: value)) ?? sentinel
    }

    /// The registers for a text: UTF-8, cut on a character boundary to fit, zero-padded.
    func words(for text: String) -> [UInt16] {
        guard case .string(let registers) = type else { return sentinel }
        var fitted = ""
        for character in text {
            guard fitted.utf8.count + String(character).utf8.count <= registers * 2 else { break }
            fitted.append(character)
        }
        return (try? RegisterCodec(valueType: type).encode(.string(fitted))) ?? sentinel
    }

    /// The number a write of `words` carries (the whole value, never part of it).
    func number(from words: ArraySlice<UInt16>) -> Double? {
        guard words.count == count, let raw = try? RegisterCodec(valueType: type).decode(words) else { return nil }
        return raw.doubleValue
    }
}
