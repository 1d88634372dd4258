extension ModbusResponse {
    /// The response PDU that answers `request` (Modbus Application Protocol v1.1b3 §6), or nil
    /// when this response does not fit the request: values of another kind or count, or
    /// `written` for a read. A read of n registers takes 2 + 2n bytes, so 125 registers fill
    /// the 253 bytes of a PDU, and the 126 or 127 a handler may serve as an extension need more.
    func pdu(answering request: ModbusRequest) -> [UInt8]? {
        let function = request.functionCode.rawValue
        func word(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        switch (request, self) {
        case (_, .exception(let code)):
            return code.pdu(answering: function)
        case (.readHoldingRegisters(_, let count), .registers(let values)),
            (.readInputRegisters(_, let count), .registers(let values)):
            guard values.count == count else { return nil }
            var pdu = [function, UInt8(count * 2)]
            pdu.reserveCapacity(2 + count * 2)
            for value in values { pdu += [UInt8(value >> 8), UInt8(value & 0xFF)] }
            return pdu
        case (.readCoils(_, let count), .bits(let values)), (.readDiscreteInputs(_, let count), .bits(let values)):
            guard values.count == count else { return nil }
            var bytes = [UInt8](repeating: 0, count: (count + 7) / 8)
            for (index, bit) in values.enumerated() where bit { bytes[index / 8] |= 1 << (index % 8) }
            return [function, UInt8(bytes.count)] + bytes
        // Single writes echo the request; multiple writes echo its address and quantity.
        case (.writeSingleCoil(let address, let value), .written):
            return [function] + word(address) + word(value ? 0xFF00 : 0)
        case (.writeSingleRegister(let address, let value), .written):
            return [function] + word(address) + word(Int(value))
        case (.writeMultipleCoils(let address, let values), .written):
            return [function] + word(address) + word(values.count)
        case (.writeMultipleRegisters(let address, let values), .written):
            return [function] + word(address) + word(values.count)
        default:
            return nil
        }
    }
}

extension ExceptionCode {
    /// The exception response PDU for a request with function code `function` (below 0x80):
    /// the code with its high bit set, then the exception code (§7).
    func pdu(answering function: UInt8) -> [UInt8] {
        precondition(function < 0x80, "codes from 0x80 are responses, which get no reply")
        return [function | 0x80, rawValue]
    }
}
