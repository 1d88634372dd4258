import Modbus

extension NativeRegister {
    /// The words of a value that is unknown or unknowable now (no decision yet, a device offline,
    /// no meter): the most negative number for signed types, all ones for unsigned types, NaN for
    /// float32, and an empty (all-zero) text for strings. SunSpec uses the same "not implemented"
    /// values.
    var sentinel: [UInt16] {
        switch type {
        case .int16: [0x8000]
        case .int32: [0x8000, 0x0000]
        case .int64: [0x8000, 0, 0, 0]
        case .uint16, .bool: [0xFFFF]
        case .uint32: [0xFFFF, 0xFFFF]
        case .uint64: [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]
        case .float32: [0x7FC0, 0x0000]
        case .float64: [0x7FF8, 0, 0, 0]
        case .string(let registers): Array(repeating: 0, count: registers)
        }
    }

    /// The documented text of the sentinel, for the map's document.
    var sentinelText: String {
        switch type {
        case .int16: "0x8000"
        case .int32: "0x80000000"
        case .uint16, .bool: "0xFFFF"
        case .uint32: "0xFFFFFFFF"
        case .float32: "NaN"
        case .string: "empty"
        case .int64, .uint64, .float64: "n/a"
        }
    }

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
            let (low, high) = representable
            value = max(low, min(high, number.rounded(.toNearestOrAwayFromZero)))
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

    /// The numbers an integer register reads as, the sentinel excluded.
    private var representable: (Double, Double) {
        switch type {
        case .int16: (Double(Int16.min) + 1, Double(Int16.max))
        case .uint16, .bool: (0, Double(UInt16.max) - 1)
        case .int32: (Double(Int32.min) + 1, Double(Int32.max))
        case .uint32: (0, Double(UInt32.max) - 1)
        case .int64: (-9.2e18, 9.2e18)
        case .uint64: (0, 1.8e19)
        case .float32, .float64, .string: (-.infinity, .infinity)
        }
    }
}
