import CModbus
import Glibc

/// One accepted master connection, served on its own thread with its own libmodbus context:
/// libmodbus receives the frame, busbar checks and decodes it, the handler answers, and libmodbus
/// sends the reply. Not `Sendable`: it lives and dies on its connection thread.
final class ServerConnection {
    private let context: OpaquePointer
    private let mapping: UnsafeMutablePointer<modbus_mapping_t>
    private let socket: Int32
    private let handler: any ModbusRequestHandler
    private let idleTimeout: Duration
    private let maxReadRegisters: Int
    private var query = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
    /// Length of the frame in `query`; libmodbus echoes FC5/FC6 requests by copying it.
    private var frameLength: Int32 = 0

    /// Takes ownership of `socket`; the socket is closed when the connection is freed.
    init?(
        socket: Int32, handler: any ModbusRequestHandler, idleTimeout: Duration, byteTimeout: Duration,
        maxReadRegisters: Int
    ) {
        guard let context = modbus_new_tcp("127.0.0.1", 0) else { return nil }
        // Replies are built from a mapping that is re-based on every request: at most the largest
        // read (2000 bits, 125 registers) or write (123 registers) ever needs to fit.
        guard
            let mapping = modbus_mapping_new(
                Int32(ModbusLimits.maxReadBits), Int32(ModbusLimits.maxReadBits),
                Int32(ModbusLimits.maxReadRegisters), Int32(ModbusLimits.maxReadRegisters))
        else {
            modbus_free(context)
            return nil
        }
        self.context = context
        self.mapping = mapping
        self.socket = socket
        self.handler = handler
        self.idleTimeout = idleTimeout
        self.maxReadRegisters = maxReadRegisters
        modbus_set_socket(context, socket)
        let (seconds, attoseconds) = byteTimeout.components
        modbus_set_byte_timeout(context, UInt32(seconds), UInt32(attoseconds / 1_000_000_000_000))
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        modbus_mapping_free(mapping)
        modbus_close(context)
        modbus_free(context)
    }

    /// Serves requests until the peer closes, stays idle too long, or sends a frame that cannot be
    /// trusted (then the connection is dropped rather than letting the stream desynchronise).
    func serve() {
        let headerLength = Int(modbus_get_header_length(context))
        while waitForRequest() {
            let received = query.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
            guard received > headerLength else { return }
            frameLength = received
            guard answer(frameLength: Int(received), headerLength: headerLength) else { return }
        }
    }

    /// Waits for the first byte of the next request; false when idle past the timeout or closed.
    private func waitForRequest() -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let (seconds, attoseconds) = idleTimeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        while true {
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            return ready > 0 && descriptor.revents & Int16(POLLIN) != 0
        }
    }

    /// Checks the MBAP header against what libmodbus framed, decodes the PDU and replies.
    private func answer(frameLength: Int, headerLength: Int) -> Bool {
        // MBAP: transaction id (2), protocol id (2, must be 0), length (2: unit id + PDU), unit id.
        let protocolID = Int(query[2]) << 8 | Int(query[3])
        let declared = Int(query[4]) << 8 | Int(query[5])
        let framed = frameLength - 6
        guard protocolID == 0, declared >= framed, declared <= Int(MODBUS_TCP_MAX_ADU_LENGTH) - 6 else {
            return false
        }
        let unit = query[6]
        let pdu = query[headerLength..<frameLength]
        switch ModbusRequest.decode(pdu: pdu, maxReadRegisters: maxReadRegisters) {
        case .failure(.malformed):
            return false
        case .failure(.exception(let code)):
            // libmodbus frames unknown function codes by the code alone; skip what the MBAP
            // length says follows so the next frame starts where the master thinks it does.
            guard declared == framed || drain(declared - framed) else { return false }
            return reply(exception: code)
        case .success(let request):
            guard declared == framed else { return false }
            return reply(to: request, unit: unit)
        }
    }

    private func reply(to request: ModbusRequest, unit: UInt8) -> Bool {
        let response = handler.handle(request, unit: unit)
        switch (request, response) {
        case (_, .exception(let code)):
            return reply(exception: code)
        case (_, .registers(let values))
        where values.count == request.count && values.count > ModbusLimits.maxReadRegisters:
            return replyBeyondADULimit(unit: unit, function: request.functionCode, values: values)
        case (.readHoldingRegisters(let address, let count), .registers(let values)) where values.count == count:
            mapping.pointee.start_registers = Int32(address)
            for (index, value) in values.enumerated() { mapping.pointee.tab_registers[index] = value }
        case (.readInputRegisters(let address, let count), .registers(let values)) where values.count == count:
            mapping.pointee.start_input_registers = Int32(address)
            for (index, value) in values.enumerated() { mapping.pointee.tab_input_registers[index] = value }
        case (.readCoils(let address, let count), .bits(let values)) where values.count == count:
            mapping.pointee.start_bits = Int32(address)
            for (index, value) in values.enumerated() { mapping.pointee.tab_bits[index] = value ? 1 : 0 }
        case (.readDiscreteInputs(let address, let count), .bits(let values)) where values.count == count:
            mapping.pointee.start_input_bits = Int32(address)
            for (index, value) in values.enumerated() { mapping.pointee.tab_input_bits[index] = value ? 1 : 0 }
        case (.writeSingleCoil(let address, _), .written), (.writeMultipleCoils(let address, _), .written):
            mapping.pointee.start_bits = Int32(address)
        case (.writeSingleRegister(let address, _), .written), (.writeMultipleRegisters(let address, _), .written):
            mapping.pointee.start_registers = Int32(address)
        default:
            // The handler answered with the wrong shape: a bug, reported to the master as such.
            return reply(exception: .serverDeviceFailure)
        }
        return query.withUnsafeBufferPointer { modbus_reply(context, $0.baseAddress, frameLength, mapping) } >= 0
    }

    /// libmodbus refuses to send an ADU over the spec's 260 bytes, which a 126- or 127-register
    /// answer needs: such answers are framed here and written to the socket directly.
    private func replyBeyondADULimit(unit: UInt8, function: FunctionCode, values: [UInt16]) -> Bool {
        let byteCount = values.count * 2
        let length = byteCount + 3
        var frame: [UInt8] = [
            query[0], query[1], 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), unit, function.rawValue,
            UInt8(byteCount),
        ]
        for value in values { frame += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        var sent = 0
        while sent < frame.count {
            let result = frame[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }

    private func reply(exception code: ExceptionCode) -> Bool {
        query.withUnsafeBufferPointer {
            modbus_reply_exception(context, $0.baseAddress, UInt32(code.rawValue))
        } >= 0
    }

    /// Reads and discards `count` bytes that belong to the current frame.
    private func drain(_ count: Int) -> Bool {
        var remaining = count
        var sink = [UInt8](repeating: 0, count: remaining)
        while remaining > 0 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 500) > 0 else { return false }
            let read = recv(socket, &sink, remaining, 0)
            guard read > 0 else { return false }
            remaining -= read
        }
        return true
    }
}
