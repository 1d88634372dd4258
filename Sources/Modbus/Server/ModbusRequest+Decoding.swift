extension ModbusRequest {
    /// Why a PDU did not decode into a request.
    public enum DecodingFailure: Error, Sendable, Hashable {
        /// Answer with this exception: 0x01 for a function the server does not serve; 0x03 for a
        /// quantity, value or byte count out of range or a PDU whose length is not the one its
        /// function implies; 0x02 for a range past the last address (checked in this order).
        case exception(ExceptionCode)
        /// Not a request: an empty PDU, or a function code of 0x80 or more. It gets no reply.
        ///
        /// The Modbus Application Protocol (v1.1b3 §4.1) reserves 128–255 for exception responses,
        /// and an exception response carries the request's code plus 0x80 (§7), which no byte
        /// can hold for such a code: answering 0x01 would mean sending it back unchanged (or, as
        /// libmodbus does, wrapped to code − 0x80), which a master reads as a response to
        /// another request. A frame that is a response is not answered, as a server does not
        /// answer responses; the connection stays in step, framed by the MBAP length.
        case notARequest
    }

    /// Decodes a PDU (function code first) and checks it against the protocol limits in the
    /// order of the Modbus Application Protocol's state diagrams (v1.1b3 §6): the function code
    /// (0x01), then the quantity, value, byte count and implied length (0x03), then whether the
    /// range stays in the address space (0x02); whether the addresses are served is the
    /// handler's check, made last. So a handler only ever sees requests that are well-formed.
    /// - Parameter maxReadRegisters: the most registers one FC3/FC4 read may ask for: 125 by the
    ///   spec; a server may allow up to 127 (the byte count's limit) for masters such as
    ///   OpenEMS's Edge2Edge that read 126 at once.
    public static func decode(
        pdu: some RandomAccessCollection<UInt8>, maxReadRegisters: Int = ModbusLimits.maxReadRegisters
    ) -> Result<ModbusRequest, DecodingFailure> {
        let bytes = Array(pdu)
        guard let first = bytes.first, first < 0x80 else { return .failure(.notARequest) }
        // FC23 is defined but not served: 0x01, whatever its quantities or length (the function
        // is checked first).
        guard let function = FunctionCode(rawValue: first), function != .readWriteMultipleRegisters else {
            return .failure(.exception(.illegalFunction))
        }
        // A PDU shorter or longer than its function implies is a value fault, not a framing
        // one: the MBAP length framed it, and §7 defines 0x03 for "the implied length is
        // incorrect". FC15/FC16 imply their length by the byte count.
        let impliedLength: Int
        switch function {
        case .writeMultipleCoils, .writeMultipleRegisters:
            impliedLength = bytes.count >= 6 ? 6 + Int(bytes[5]) : 6
        default:
            impliedLength = 5
        }
        guard bytes.count == impliedLength else { return .failure(.exception(.illegalDataValue)) }

        func word(_ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }
        let address = word(1)
        func checked(
            count: Int, limit: Int, byteCount: Int? = nil, _ request: () -> ModbusRequest
        ) -> Result<ModbusRequest, DecodingFailure> {
            guard (1...limit).contains(count), byteCount.map({ Int(bytes[5]) == $0 }) ?? true else {
                return .failure(.exception(.illegalDataValue))
            }
            guard address + count <= ModbusLimits.addressSpace else {
                return .failure(.exception(.illegalDataAddress))
            }
            return .success(request())
        }

        switch function {
        case .readCoils:
            return checked(count: word(3), limit: ModbusLimits.maxReadBits) {
                .readCoils(address: address, count: word(3))
            }
        case .readDiscreteInputs:
            return checked(count: word(3), limit: ModbusLimits.maxReadBits) {
                .readDiscreteInputs(address: address, count: word(3))
            }
        case .readHoldingRegisters:
            return checked(count: word(3), limit: maxReadRegisters) {
                .readHoldingRegisters(address: address, count: word(3))
            }
        case .readInputRegisters:
            return checked(count: word(3), limit: maxReadRegisters) {
                .readInputRegisters(address: address, count: word(3))
            }
        case .writeSingleCoil:
            let value = word(3)
            guard value == 0 || value == 0xFF00 else { return .failure(.exception(.illegalDataValue)) }
            return .success(.writeSingleCoil(address: address, value: value == 0xFF00))
        case .writeSingleRegister:
            return .success(.writeSingleRegister(address: address, value: UInt16(word(3))))
        case .writeMultipleCoils:
            let count = word(3)
            return checked(count: count, limit: ModbusLimits.maxWriteBits, byteCount: (count + 7) / 8) {
                let values = (0..<count).map { bytes[6 + $0 / 8] & (1 << ($0 % 8)) != 0 }
                return .writeMultipleCoils(address: address, values: values)
            }
        case .writeMultipleRegisters:
            let count = word(3)
            return checked(count: count, limit: ModbusLimits.maxWriteRegisters, byteCount: count * 2) {
                let values = (0..<count).map { UInt16(word(6 + 2 * $0)) }
                return .writeMultipleRegisters(address: address, values: values)
            }
        case .readWriteMultipleRegisters:
            return .failure(.exception(.illegalFunction))
        }
    }
}
