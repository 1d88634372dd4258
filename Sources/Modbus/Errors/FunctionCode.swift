/// The Modbus function codes busbar speaks.
public enum FunctionCode: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case readCoils = 0x01
    case readDiscreteInputs = 0x02
    case readHoldingRegisters = 0x03
    case readInputRegisters = 0x04
    case writeSingleCoil = 0x05
    case writeSingleRegister = 0x06
    case writeMultipleCoils = 0x0F
    case writeMultipleRegisters = 0x10
    case readWriteMultipleRegisters = 0x17

    public var description: String {
        switch self {
        case .readCoils: "read coils (FC1)"
        case .readDiscreteInputs: "read discrete inputs (FC2)"
        case .readHoldingRegisters: "read holding registers (FC3)"
        case .readInputRegisters: "read input registers (FC4)"
        case .writeSingleCoil: "write single coil (FC5)"
        case .writeSingleRegister: "write single register (FC6)"
        case .writeMultipleCoils: "write multiple coils (FC15)"
        case .writeMultipleRegisters: "write multiple registers (FC16)"
        case .readWriteMultipleRegisters: "read/write multiple registers (FC23)"
        }
    }
}

/// Protocol limits (Modbus Application Protocol V1.1b; libmodbus `modbus.h`).
public enum ModbusLimits {
    /// FC1/FC2: bits per read.
    package static let maxReadBits = 2000
    /// FC15: bits per write.
    package static let maxWriteBits = 1968
    /// FC3/FC4: registers per read.
    public static let maxReadRegisters = 125
    /// FC3/FC4: the most registers a one-byte byte count can carry (an extension some masters use).
    public static let maxExtendedReadRegisters = 127
    /// FC16: registers per write.
    package static let maxWriteRegisters = 123
    /// FC23: registers written per request.
    public static let maxReadWriteWriteRegisters = 121
    /// The address space of each table.
    public static let addressSpace = 65536
}
