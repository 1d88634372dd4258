/// A decoded request that passed the protocol checks, as the server hands it to its handler.
/// A multi-register FC16 write arrives whole, so a 32-bit value is never seen half-written.
public enum ModbusRequest: Sendable, Hashable {
    case readCoils(address: Int, count: Int)
    case readDiscreteInputs(address: Int, count: Int)
    case readHoldingRegisters(address: Int, count: Int)
    case readInputRegisters(address: Int, count: Int)
    case writeSingleCoil(address: Int, value: Bool)
    case writeSingleRegister(address: Int, value: UInt16)
    case writeMultipleCoils(address: Int, values: [Bool])
    case writeMultipleRegisters(address: Int, values: [UInt16])

    public var functionCode: FunctionCode {
        switch self {
        case .readCoils: .readCoils
        case .readDiscreteInputs: .readDiscreteInputs
        case .readHoldingRegisters: .readHoldingRegisters
        case .readInputRegisters: .readInputRegisters
        case .writeSingleCoil: .writeSingleCoil
        case .writeSingleRegister: .writeSingleRegister
        case .writeMultipleCoils: .writeMultipleCoils
        case .writeMultipleRegisters: .writeMultipleRegisters
        }
    }

    /// The first address the request touches.
    public var address: Int {
        switch self {
        case .readCoils(let address, _), .readDiscreteInputs(let address, _),
            .readHoldingRegisters(let address, _), .readInputRegisters(let address, _),
            .writeSingleCoil(let address, _), .writeSingleRegister(let address, _),
            .writeMultipleCoils(let address, _), .writeMultipleRegisters(let address, _):
            address
        }
    }

    /// How many registers or bits the request touches.
    public var count: Int {
        switch self {
        case .readCoils(_, let count), .readDiscreteInputs(_, let count),
            .readHoldingRegisters(_, let count), .readInputRegisters(_, let count):
            count
        case .writeSingleCoil, .writeSingleRegister: 1
        case .writeMultipleCoils(_, let values): values.count
        case .writeMultipleRegisters(_, let values): values.count
        }
    }

    /// The table the request reads or writes.
    public var table: RegisterTable {
        switch self {
        case .readCoils, .writeSingleCoil, .writeMultipleCoils: .coil
        case .readDiscreteInputs: .discrete
        case .readInputRegisters: .input
        case .readHoldingRegisters, .writeSingleRegister, .writeMultipleRegisters: .holding
        }
    }

    /// Whether the request changes the server's data.
    public var isWrite: Bool { functionCode.rawValue >= FunctionCode.writeSingleCoil.rawValue }
}
