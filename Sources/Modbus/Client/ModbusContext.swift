import CModbus
import Glibc

/// The one owner of a libmodbus client context. Every libmodbus call of a client runs here, on
/// the thread that owns this value; it is deliberately not `Sendable`.
///
/// Its descriptor is always below `FD_SETSIZE` (see `LowDescriptors`): a TCP connection is made
/// here rather than by `modbus_connect`, a serial line is opened by libmodbus (which does not
/// wait on it), and either is moved below the limit before libmodbus waits on it.
final class ModbusContext {
    private let context: OpaquePointer
    let endpoint: Endpoint
    private(set) var isConnected = false
    /// How long a TCP connection may take to open: the response timeout, as libmodbus has it.
    private var connectTimeout = Duration.milliseconds(500)
    /// The spare descriptor the connection sits on, given back when it closes.
    private var spare: Int32?

    init(endpoint: Endpoint) throws(ModbusError) {
        let created: OpaquePointer?
        switch endpoint {
        case .tcp(let host, let port):
            created = modbus_new_tcp_pi(host, String(port))
        case .rtu(let line):
            let parity = Int8(UInt8(ascii: line.settings.parity.rawValue.unicodeScalars.first!))
            created = modbus_new_rtu(
                line.device, Int32(line.settings.baud), CChar(parity),
                Int32(line.settings.dataBits), Int32(line.settings.stopBits))
        }
        guard let created else {
            throw ModbusContext.error(errno: CModbus_errno(), operation: "open \(endpoint)")
        }
        context = created
        self.endpoint = endpoint
    }

    deinit {
        close()
        modbus_free(context)
    }

    func setTimeouts(response: Duration, byte: Duration) {
        let (responseSeconds, responseMicros) = Self.split(response)
        let (byteSeconds, byteMicros) = Self.split(byte)
        modbus_set_response_timeout(context, responseSeconds, responseMicros)
        modbus_set_byte_timeout(context, byteSeconds, byteMicros)
        connectTimeout = response
    }

    func connect() throws(ModbusError) {
        guard !isConnected else { return }
        let opened: Int32
        switch endpoint {
        case .tcp(let host, let port):
            opened = try TCPConnector.connect(host: host, port: port, timeout: connectTimeout)
        case .rtu:
            guard modbus_connect(context) == 0 else {
                let code = CModbus_errno()
                // libmodbus keeps a half-open descriptor on some failures; close it so a retry starts clean.
                modbus_close(context)
                throw Self.error(errno: code, operation: "connect to \(endpoint)")
            }
            opened = modbus_get_socket(context)
            modbus_set_socket(context, -1)
        }
        guard let placement = LowDescriptors.lower(opened) else {
            let message = "no descriptor below \(LowDescriptors.limit) is free for libmodbus"
            throw ModbusError(.system(errno: EMFILE, message: message), operation: "connect to \(endpoint)")
        }
        spare = placement.isSpare ? placement.descriptor : nil
        modbus_set_socket(context, placement.descriptor)
        isConnected = true
    }

    /// Closes the connection. One on a spare descriptor goes back to the reserve instead of
    /// being closed by libmodbus (a serial line's settings before the connection are then not
    /// restored: the line is busbar's alone).
    func close() {
        if let spare {
            // Putting /dev/null onto the spare closes the socket's last descriptor.
            modbus_set_socket(context, -1)
            LowDescriptors.release(spare)
            self.spare = nil
        }
        modbus_close(context)
        isConnected = false
    }

    /// Reads `count` registers or bits of `table`; `count` is within the protocol limit.
    func read(_ table: RegisterTable, unit: UInt8, address: Int, count: Int) throws(ModbusError) -> [UInt16] {
        try prepare(unit: unit, operation: table.readFunction, address: address)
        var words = [UInt16](repeating: 0, count: count)
        let received: Int32
        switch table {
        case .holding:
            received = modbus_read_registers(context, Int32(address), Int32(count), &words)
        case .input:
            received = modbus_read_input_registers(context, Int32(address), Int32(count), &words)
        case .coil, .discrete:
            var bits = [UInt8](repeating: 0, count: count)
            received =
                table == .coil
                ? modbus_read_bits(context, Int32(address), Int32(count), &bits)
                : modbus_read_input_bits(context, Int32(address), Int32(count), &bits)
            words = bits.map { UInt16($0) }
        }
        try check(received, operation: table.readFunction.description, unit: unit, address: address)
        return words
    }

    func writeRegister(unit: UInt8, address: Int, value: UInt16) throws(ModbusError) {
        try prepare(unit: unit, operation: .writeSingleRegister, address: address)
        let result = modbus_write_register(context, Int32(address), value)
        try check(result, operation: FunctionCode.writeSingleRegister.description, unit: unit, address: address)
    }

    func writeRegisters(unit: UInt8, address: Int, values: [UInt16]) throws(ModbusError) {
        try prepare(unit: unit, operation: .writeMultipleRegisters, address: address)
        let result = modbus_write_registers(context, Int32(address), Int32(values.count), values)
        try check(result, operation: FunctionCode.writeMultipleRegisters.description, unit: unit, address: address)
    }

    func writeCoil(unit: UInt8, address: Int, value: Bool) throws(ModbusError) {
        try prepare(unit: unit, operation: .writeSingleCoil, address: address)
        let result = modbus_write_bit(context, Int32(address), value ? 1 : 0)
        try check(result, operation: FunctionCode.writeSingleCoil.description, unit: unit, address: address)
    }

    func writeCoils(unit: UInt8, address: Int, values: [Bool]) throws(ModbusError) {
        try prepare(unit: unit, operation: .writeMultipleCoils, address: address)
        let bits = values.map { UInt8($0 ? 1 : 0) }
        let result = modbus_write_bits(context, Int32(address), Int32(bits.count), bits)
        try check(result, operation: FunctionCode.writeMultipleCoils.description, unit: unit, address: address)
    }

    func writeAndRead(
        unit: UInt8, writeAddress: Int, values: [UInt16], readAddress: Int, readCount: Int
    ) throws(ModbusError) -> [UInt16] {
        try prepare(unit: unit, operation: .readWriteMultipleRegisters, address: writeAddress)
        var words = [UInt16](repeating: 0, count: readCount)
        let result = modbus_write_and_read_registers(
            context, Int32(writeAddress), Int32(values.count), values, Int32(readAddress), Int32(readCount), &words)
        try check(
            result, operation: FunctionCode.readWriteMultipleRegisters.description, unit: unit, address: writeAddress)
        return words
    }

    /// Connects if needed and addresses `unit`. A refused unit id must not go unnoticed:
    /// libmodbus would send the request to the unit set before.
    private func prepare(unit: UInt8, operation: FunctionCode, address: Int) throws(ModbusError) {
        try connect()
        guard modbus_set_slave(context, Int32(unit)) == 0 else {
            throw Self.error(errno: CModbus_errno(), operation: operation.description, unit: unit, address: address)
        }
    }

    /// Turns a failed call into a typed error. After a timeout or a garbled answer the stream may
    /// still carry a late reply that would be taken for the next request's answer (the
    /// transaction-id lockstep seen with grid-x/modbus and NModbus): a TCP connection is dropped
    /// and made anew on the next request; a serial line, which cannot reconnect, is flushed.
    private func check(_ result: Int32, operation: String, unit: UInt8, address: Int) throws(ModbusError) {
        guard result == -1 else { return }
        let code = CModbus_errno()
        let error = Self.error(errno: code, operation: operation, unit: unit, address: address)
        switch error.kind {
        case .exception, .invalidArgument:
            break
        case .connectionClosed, .connectionRefused, .system:
            close()
        case .timeout, .invalidResponse:
            if case .tcp = endpoint { close() } else { modbus_flush(context) }
        }
        throw error
    }

    /// Maps an errno value read right after a failing libmodbus call to a typed error.
    static func error(errno code: Int32, operation: String, unit: UInt8? = nil, address: Int? = nil) -> ModbusError {
        let base = Int32(MODBUS_ENOBASE)
        if code > base, code - base <= 11, code < CModbus_EMBBADCRC {
            return ModbusError(
                .exception(ExceptionCode(rawValue: UInt8(code - base))), operation: operation, unit: unit,
                address: address)
        }
        let kind: ModbusError.Kind
        switch code {
        case CModbus_EMBBADCRC: kind = .invalidResponse("bad CRC")
        case CModbus_EMBBADDATA: kind = .invalidResponse("data does not match the request")
        case CModbus_EMBBADEXC: kind = .invalidResponse("invalid exception code")
        case CModbus_EMBMDATA: kind = .invalidResponse("too many data")
        case CModbus_EMBBADSLAVE: kind = .invalidResponse("answer from another unit id")
        case ETIMEDOUT: kind = .timeout
        case ECONNREFUSED: kind = .connectionRefused
        case ECONNRESET, EPIPE, ENOTCONN: kind = .connectionClosed
        case EINVAL: kind = .invalidArgument("invalid argument for libmodbus")
        default: kind = .system(errno: code, message: String(cString: strerror(code)))
        }
        return ModbusError(kind, operation: operation, unit: unit, address: address)
    }

    private static func split(_ duration: Duration) -> (UInt32, UInt32) {
        let (seconds, attoseconds) = duration.components
        return (UInt32(clamping: seconds), UInt32(clamping: attoseconds / 1_000_000_000_000))
    }
}
