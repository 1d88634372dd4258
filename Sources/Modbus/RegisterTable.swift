/// The four Modbus data tables. The raw values are the YAML and CLI spellings.
public enum RegisterTable: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case coil
    case discrete
    case input
    case holding

    /// Whether the table holds single bits rather than 16-bit registers.
    public var isBits: Bool { self == .coil || self == .discrete }

    /// Whether a master may write this table.
    public var isWritable: Bool { self == .coil || self == .holding }

    /// The function code that reads the table.
    public var readFunction: FunctionCode {
        switch self {
        case .coil: .readCoils
        case .discrete: .readDiscreteInputs
        case .input: .readInputRegisters
        case .holding: .readHoldingRegisters
        }
    }

    /// How many items one read may carry.
    public var maxReadCount: Int { isBits ? ModbusLimits.maxReadBits : ModbusLimits.maxReadRegisters }

    public var description: String {
        switch self {
        case .coil: "coil"
        case .discrete: "discrete input"
        case .input: "input register"
        case .holding: "holding register"
        }
    }
}
