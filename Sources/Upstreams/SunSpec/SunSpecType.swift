public import Modbus

/// A SunSpec point type (the `type` of a point in the SunSpec model definitions): how many
/// registers it takes, the Modbus value it is, and its "not implemented" words, which differ
/// from the plain integer's for accumulators and padding (pysunspec2's `SUNS_UNIMPL_*`).
public enum SunSpecType: Sendable, Hashable {
    case uint16, int16, uint32, int32, uint64
    case acc32
    case enum16
    case bitfield16, bitfield32
    /// A scale factor: the point's value is raw × 10^sf.
    case sunssf
    case pad
    case string(registers: Int)

    /// The Modbus value the registers hold.
    public var valueType: ValueType {
        switch self {
        case .uint16, .enum16, .bitfield16, .pad: .uint16
        case .int16, .sunssf: .int16
        case .uint32, .acc32, .bitfield32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .string(let registers): .string(registers: registers)
        }
    }

    /// The type's name in the SunSpec model definitions.
    public var name: String {
        switch self {
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .uint64: "uint64"
        case .acc32: "acc32"
        case .enum16: "enum16"
        case .bitfield16: "bitfield16"
        case .bitfield32: "bitfield32"
        case .sunssf: "sunssf"
        case .pad: "pad"
        case .string: "string"
        }
    }

    /// The words of a point that is not implemented: 0 for accumulators and padding, the value
    /// type's unknown pattern (0x8000, 0xFFFF, …, NUL text) otherwise.
    public var unimplemented: [UInt16] {
        switch self {
        case .acc32, .pad: [UInt16](repeating: 0, count: valueType.registerCount)
        default: valueType.unknownWords
        }
    }
}
