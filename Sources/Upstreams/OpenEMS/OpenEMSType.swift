public import Modbus

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

    /// The Modbus value type of a record of this type.
    public var valueType: ValueType {
        switch self {
        case .uint16, .enum16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float32: .float32
        case .float64: .float64
        case .string16: .string(registers: 16)
        }
    }
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

    /// The shared layer's access for a record.
    var fieldAccess: RegisterField<OpenEMSTable.Point>.Access {
        switch self {
        case .readOnly: .read
        case .readWrite: .readWrite
        case .writeOnly: .write
        case .reserved: .reserved
        }
    }
}
