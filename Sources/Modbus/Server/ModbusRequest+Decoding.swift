extension ModbusRequest {
    /// Why a PDU did not decode into a request.
    public enum DecodingFailure: Error, Sendable, Hashable {
        /// Answer with this exception (checked in the spec's order: function, quantity, address).
        case exception(ExceptionCode)
        /// The PDU is shorter or longer than its function code implies: the frame cannot be
        /// trusted and the connection should be dropped rather than answered.
        case malformed
    }

    /// Decodes a PDU (function code first) and checks it against the protocol limits, so that a
    /// handler only ever sees requests that are well-formed.
    /// - Parameter maxReadRegisters: the most registers one FC3/FC4 read may ask for: 125 by the
    ///   spec; a server may allow up to 127 (the byte count's limit) for masters such as
    ///   OpenEMS's Edge2Edge that read 126 at once.
    public static func decode(
        pdu: some RandomAccessCollection<UInt8>, maxReadRegisters: Int = ModbusLimits.maxReadRegisters
    ) -> Result<ModbusRequest, DecodingFailure> {
        let bytes = Array(pdu)
        guard let first = bytes.first else { return .failure(.malformed) }
        guard let function = FunctionCode(rawValue: first), function != .readWriteMultipleRegisters else {
            return .failure(.exception(.illegalFunction))
        }
        func word(_ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }
        switch function {
        case .readCoils, .readDiscreteInputs, .readHoldingRegisters, .readInputRegisters,
            .writeSingleCoil, .writeSingleRegister:
            guard bytes.count == 5 else { return .failure(.malformed) }
        case .writeMultipleCoils, .writeMultipleRegisters:
            guard bytes.count >= 6, bytes.count == 6 + Int(bytes[5]) else { return .failure(.malformed) }
        case .readWriteMultipleRegisters:
            return .failure(.exception(.illegalFunction))
        }
        let address = word(1)

        func checked(count: Int, limit: Int, _ request: () -> ModbusRequest) -> Result<ModbusRequest, DecodingFailure> {
            guard (1...limit).contains(count) else { return .failure(.exception(.illegalDataValue)) }
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
            guard Int(bytes[5]) == (count + 7) / 8 else { return .failure(.exception(.illegalDataValue)) }
            return checked(count: count, limit: ModbusLimits.maxWriteBits) {
                let values = (0..<count).map { bytes[6 + $0 / 8] & (1 << ($0 % 8)) != 0 }
                return .writeMultipleCoils(address: address, values: values)
            }
        case .writeMultipleRegisters:
            let count = word(3)
            guard Int(bytes[5]) == count * 2 else { return .failure(.exception(.illegalDataValue)) }
            return checked(count: count, limit: ModbusLimits.maxWriteRegisters) {
                let values = (0..<count).map { UInt16(word(6 + 2 * $0)) }
                return .writeMultipleRegisters(address: address, values: values)
            }
        case .readWriteMultipleRegisters:
            return .failure(.exception(.illegalFunction))
        }
    }
}
