import Modbus

/// How OpenEMS's Modbus/TCP API lays out one record (`ModbusType` in
/// `io.openems.edge.common.modbusslave`): big-endian, high word first, with a fixed "undefined"
/// pattern that an OpenEMS master reads as `null` (docs/openems.md, "Records and natures").
public enum OpenEMSType: String, Sendable, Hashable {
    case uint16, enum16, uint32, uint64, float32, float64, string16

    /// Registers one record of this type occupies.
    public var words: Int {
        switch self {
        case .uint16, .enum16: 1
        case .uint32, .float32: 2
        case .uint64, .float64: 4
        case .string16: 16
        }
    }

    /// What the record holds when the value is unknown: NaN for floats, all ones for integers
    /// (0xFFFF, 0xFFFFFFFF, …), NUL characters for strings.
    package var undefined: [UInt16] { valueType.unknownWords }

    /// The registers for `value`, or ``undefined`` when it is `nil` or cannot be written in
    /// this type. Integer types are cut to their low bits, as OpenEMS does for signed values.
    public func encode(_ value: OpenEMSValue?) -> [UInt16] {
        switch (self, value) {
        case (_, nil):
            return undefined
        case (.string16, .text(let text)):
            let bytes =
                Array(text.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : UInt8(ascii: "?") }.prefix(32))
                + [UInt8](repeating: 0, count: 32)
            return (0..<16).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        case (.float32, .number(let number)):
            return Self.words(of: UInt64(Float(number).bitPattern), count: 2)
        case (.float64, .number(let number)):
            return Self.words(of: number.bitPattern, count: 4)
        case (.uint16, .number(let number)), (.enum16, .number(let number)), (.uint32, .number(let number)),
            (.uint64, .number(let number)):
            guard number.isFinite, number.magnitude < 9.2e18 else { return undefined }
            return Self.words(of: UInt64(bitPattern: Int64(number.rounded(.towardZero))), count: words)
        default:
            return undefined
        }
    }

    /// The number a master wrote into a complete record, as the codec reads it.
    func decode(_ registers: [UInt16]) -> Double? {
        (try? RegisterCodec(valueType: valueType).decode(registers))?.doubleValue
    }

    /// The Modbus value type of a record of this type.
    var valueType: ValueType {
        switch self {
        case .uint16, .enum16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float32: .float32
        case .float64: .float64
        case .string16: .string(registers: 16)
        }
    }

    private static func words(of bits: UInt64, count: Int) -> [UInt16] {
        (0..<count).map { UInt16(truncatingIfNeeded: bits >> (16 * UInt64(count - 1 - $0))) }
    }
}

/// A value a record renders: a number in OpenEMS units, or a text.
public enum OpenEMSValue: Sendable, Hashable {
    case number(Double)
    case text(String)
}

/// Who may read and write a record, as OpenEMS's `AccessMode` plus its reserved records.
public enum OpenEMSAccess: String, Sendable, Hashable {
    /// Read; writes are refused.
    case readOnly
    /// Read and written.
    case readWrite
    /// Written; reads give the undefined value (a set-point is not read back).
    case writeOnly
    /// A placeholder OpenEMS keeps for compatibility: reads undefined, writes refused.
    case reserved

    var isWritable: Bool { self == .readWrite || self == .writeOnly }
}
