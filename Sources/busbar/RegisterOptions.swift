import ArgumentParser
import Modbus

/// Which table, address numbering and value type a register command uses.
struct RegisterOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help:
            "Value type: int16, uint16, int32, uint32, int64, uint64, float32, float64, string, bool (evcc's low-word-first names such as float32s are accepted)."
    )
    var type: String?

    @Option(help: "Word and byte order: ABCD (big-endian, default), CDAB (word swap), BADC (byte swap), DCBA.")
    var order: String?

    @Option(parsing: .unconditional, help: "Engineering value = raw × scale + offset (inverted on write).")
    var scale: Double = 1

    @Option(parsing: .unconditional, help: "Added after scaling (inverted on write).")
    var offset: Double = 0

    @Flag(
        help:
            "Addresses are 1-based as in many manuals; 6-digit Modicon references (400001, 300001, 100001, 000001) also pick the table."
    )
    var oneBased = false

    /// The codec for `--type`, `--order`, `--scale`, `--offset`; `count` registers for strings.
    func codec(stringRegisters count: Int = 1, default defaultType: ValueType = .uint16) throws -> RegisterCodec {
        var valueType = defaultType
        var order = WordOrder.abcd
        if let type {
            guard let parsed = ValueType.parse(type, registers: type.lowercased() == "string" ? count : nil) else {
                throw ValidationError(
                    "type \"\(type)\" is not one of int16, uint16, int32, uint32, int64, uint64, float32, float64, string, bool"
                )
            }
            valueType = parsed.type
            order = parsed.order ?? order
        }
        if let text = self.order {
            guard let parsed = WordOrder(rawValue: text.uppercased()) else {
                throw ValidationError("order \"\(text)\" is not one of ABCD, CDAB, BADC, DCBA")
            }
            order = parsed
        }
        guard scale != 0, scale.isFinite, offset.isFinite else {
            throw ValidationError("scale must be a non-zero number")
        }
        return RegisterCodec(valueType: valueType, order: order, scale: scale, offset: offset)
    }

    /// Turns the address as typed into a 0-based PDU address, and the table a Modicon reference
    /// names (if any).
    func resolve(_ address: Int) throws -> (address: Int, table: RegisterTable?) {
        guard oneBased else {
            guard (0..<ModbusLimits.addressSpace).contains(address) else {
                throw ValidationError("address \(address) is outside 0…65535 (use --one-based for manual numbering)")
            }
            return (address, nil)
        }
        let modicon: [(Int, RegisterTable)] = [(400_001, .holding), (300_001, .input), (100_001, .discrete)]
        for (base, table) in modicon where (base..<base + ModbusLimits.addressSpace).contains(address) {
            return (address - base, table)
        }
        guard (1...ModbusLimits.addressSpace).contains(address) else {
            throw ValidationError("1-based address \(address) is outside 1…65536 and not a 6-digit Modicon reference")
        }
        return (address - 1, nil)
    }
}
