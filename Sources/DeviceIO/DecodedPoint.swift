public import Modbus
public import SiteConfig

/// One point of a device map as read from the device: its words and what they mean.
public struct DecodedPoint: Sendable {
    public enum Outcome: Sendable {
        /// The engineering value: raw × scale × 10^SF + offset, or the raw value itself when
        /// nothing scales it (so a uint64 counter keeps every digit, and text stays text).
        case value(RegisterValue)
        /// A "not implemented" sentinel, or a value whose scale factor is one (or is outside
        /// ±10, which no real device sends).
        case notAvailable
        /// The read failed, or the read of the point's scale factor did (named).
        case unreadable(ModbusError, scaleFactor: String?)
    }

    public var point: Point
    /// The words as read; nil when the read failed.
    public var raw: [UInt16]?
    public var outcome: Outcome

    public init(point: Point, raw: [UInt16]?, outcome: Outcome) {
        self.point = point
        self.raw = raw
        self.outcome = outcome
    }

    /// The value as a number (flags 0/1), nil for text and for a point without a value.
    public var number: Double? {
        guard case .value(let value) = outcome else { return nil }
        if case .bool(let flag) = value { return flag ? 1 : 0 }
        return value.doubleValue
    }

    /// The name a map gives the raw value (`values:`), if it gives one.
    public var label: String? {
        guard case .value = outcome, let raw, let number = try? point.codec.decode(raw).integerValue else { return nil }
        return point.values[number]
    }

    /// What a person reads: `230.1 V`, `charging`, `C2`, `n/a`, or why it is missing.
    public var shown: String {
        switch outcome {
        case .value(let value):
            if let label { return label }
            return value.description + (point.unit.map { " \($0)" } ?? "")
        case .notAvailable:
            return "n/a"
        case .unreadable:
            return "unreadable: " + (failure ?? "")
        }
    }

    /// Why the point has no value when a read failed: "scale factor W_SF: illegal data address
    /// (0x02)".
    public var failure: String? {
        guard case .unreadable(let error, let scaleFactor) = outcome else { return nil }
        return (scaleFactor.map { "scale factor \($0): " } ?? "") + error.reason
    }

    /// Decodes a point's words, given what became of its scale-factor point (if it has one).
    public static func decode(_ point: Point, words: [UInt16], scaleFactor: DecodedPoint?) -> DecodedPoint {
        func result(_ outcome: Outcome) -> DecodedPoint { DecodedPoint(point: point, raw: words, outcome: outcome) }
        guard let raw = try? point.codec.decode(words) else {
            let error = ModbusError(
                .invalidResponse("\(words.count) words for a \(point.valueType.name)"), operation: "decode")
            return result(.unreadable(error, scaleFactor: nil))
        }
        if point.isNotAvailable(raw) { return result(.notAvailable) }
        if point.table.isBits { return result(.value(.bool(words.first.map { $0 != 0 } ?? false))) }
        var codec = point.codec
        if let scaleFactor {
            switch scaleFactor.outcome {
            case .unreadable(let error, _): return result(.unreadable(error, scaleFactor: scaleFactor.point.name))
            case .notAvailable: return result(.notAvailable)
            case .value(let sf):
                guard let exponent = sf.integerValue, (-10...10).contains(exponent) else {
                    return result(.notAvailable)
                }
                codec = point.codec(scaleFactor: Int(exponent))
            }
        }
        switch raw {
        case .string, .bool: return result(.value(raw))
        default: break
        }
        if codec.scale == 1, codec.offset == 0 { return result(.value(raw)) }
        guard let engineering = try? codec.engineeringValue(words) else { return result(.value(raw)) }
        return result(.value(.float(engineering)))
    }
}

extension RegisterValue {
    /// The value as an integer, for enumeration names and scale factors; nil for text and
    /// fractions.
    public var integerValue: Int64? {
        switch self {
        case .int(let value): value
        case .uint(let value): Int64(exactly: value)
        case .bool(let value): value ? 1 : 0
        case .float(let value): Int64(exactly: value)
        case .string: nil
        }
    }
}

extension ModbusError {
    /// Why a point could not be read, without the operation and address a table already shows:
    /// "illegal data address (0x02)".
    public var reason: String {
        switch kind {
        case .exception(let code): code.description
        case .timeout: "no answer (timed out)"
        case .connectionRefused: "connection refused"
        case .connectionClosed: "connection closed by the device"
        case .invalidResponse(let detail): "invalid response: \(detail)"
        case .invalidArgument(let detail): detail
        case .system(_, let message): message
        }
    }
}
