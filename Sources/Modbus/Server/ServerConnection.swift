import Glibc

/// One accepted master connection, served on its own thread: it frames each request by its
/// MBAP header, decodes and checks the PDU, hands the request to the handler and writes the
/// reply. Not `Sendable`: it lives and dies on its connection thread.
///
/// The framing is busbar's own rather than libmodbus's `modbus_receive`, which frames by what
/// the function code implies and so reads a PDU of the wrong length, or of a function it does
/// not know, into the next frame. Here the MBAP length is the frame (Modbus Messaging on TCP/IP
/// Implementation Guide v1.0b): a PDU whose length is not the one its function implies is
/// answered with 0x03 and the stream stays in step, and only a header that cannot frame a
/// request closes the connection. No byte a master sends reaches libmodbus.
final class ServerConnection {
    /// The MBAP header: transaction id (2), protocol id (2), length (2: unit id and PDU), unit id.
    private static let headerLength = 7
    /// The largest Modbus/TCP ADU (Application Protocol v1.1b3 §4.1: a 253-byte PDU).
    private static let maxADULength = 260

    private let socket: Int32
    private let handler: any ModbusRequestHandler
    private let role: AccessPolicy.Role
    private let idleTimeout: Duration
    private let byteTimeout: Duration
    private let frameTimeout: Duration
    private let maxReadRegisters: Int
    private let onFrame: () -> Void
    private let onRefusedWrite: () -> Void
    /// Bytes received; those from `start` on are not framed yet (masters may pipeline requests).
    private var input: [UInt8] = []
    private var start = 0
    private var receiveBuffer = [UInt8](repeating: 0, count: 4096)

    /// Takes ownership of `socket`; the socket is closed when the connection is freed.
    /// - Parameters:
    ///   - role: what the client may do: a reader's writes are answered 0x01, unhandled.
    ///   - onFrame: called after every frame answered (the connection's activity).
    ///   - onRefusedWrite: called for every write refused for the role.
    init(
        socket: Int32, handler: any ModbusRequestHandler, role: AccessPolicy.Role = .write, idleTimeout: Duration,
        byteTimeout: Duration, frameTimeout: Duration = .seconds(2), maxReadRegisters: Int,
        onFrame: @escaping () -> Void = {}, onRefusedWrite: @escaping () -> Void = {}
    ) {
        self.socket = socket
        self.handler = handler
        self.role = role
        self.idleTimeout = idleTimeout
        self.byteTimeout = byteTimeout
        self.frameTimeout = frameTimeout
        self.maxReadRegisters = maxReadRegisters
        self.onFrame = onFrame
        self.onRefusedWrite = onRefusedWrite
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(socket)
    }

    /// Serves requests until the peer closes, stays idle too long, leaves a frame unfinished for
    /// longer than the byte timeout or takes longer than the frame timeout over one, or sends a
    /// header that cannot frame a request.
    func serve() {
        while start < input.count || wait(for: idleTimeout) {
            guard let frame = nextFrame(by: ContinuousClock.now + frameTimeout), answer(frame) else { return }
            onFrame()
        }
    }

    /// The next whole frame, or nil when the header cannot frame a request (protocol id other
    /// than 0, no function code, an ADU over 260 bytes) or the frame does not arrive.
    private func nextFrame(by deadline: ContinuousClock.Instant) -> ArraySlice<UInt8>? {
        guard fill(Self.headerLength, by: deadline) else { return nil }
        let protocolID = Int(input[start + 2]) << 8 | Int(input[start + 3])
        let length = Int(input[start + 4]) << 8 | Int(input[start + 5])
        guard protocolID == 0, length >= 2, 6 + length <= Self.maxADULength else { return nil }
        guard fill(6 + length, by: deadline) else { return nil }
        let frame = input[start..<start + 6 + length]
        start += 6 + length
        return frame
    }

    /// Decodes the frame's PDU and replies; false when the reply cannot be sent.
    private func answer(_ frame: ArraySlice<UInt8>) -> Bool {
        let base = frame.startIndex
        let unit = frame[base + 6]
        let pdu = frame[(base + Self.headerLength)...]
        let reply: [UInt8]
        switch ModbusRequest.decode(pdu: pdu, maxReadRegisters: maxReadRegisters) {
        case .failure(.notARequest):
            return true
        case .failure(.exception(let code)):
            reply = code.pdu(answering: pdu[pdu.startIndex])
        case .success(let request) where request.isWrite && role == .read:
            onRefusedWrite()
            reply = ExceptionCode.illegalFunction.pdu(answering: request.functionCode.rawValue)
        case .success(let request):
            // A response that does not fit the request is the handler's bug, told as such.
            reply =
                handler.handle(request, unit: unit).pdu(answering: request)
                ?? ExceptionCode.serverDeviceFailure.pdu(answering: request.functionCode.rawValue)
        }
        let length = reply.count + 1
        let header: [UInt8] = [frame[base], frame[base + 1], 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), unit]
        return send(header + reply)
    }

    /// Receives until `count` bytes are not framed yet; false when the peer closes, a byte takes
    /// longer than the byte timeout, or `deadline` passes.
    private func fill(_ count: Int, by deadline: ContinuousClock.Instant) -> Bool {
        guard input.count - start < count else { return true }
        input.removeFirst(start)
        start = 0
        while input.count < count {
            let left = deadline - ContinuousClock.now
            guard left > .zero, wait(for: min(byteTimeout, left)) else { return false }
            let received = receiveBuffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            guard received > 0 else { return false }
            input += receiveBuffer[0..<received]
        }
        return true
    }

    /// Waits until the socket has bytes to read (or is closed); false after `timeout`.
    private func wait(for timeout: Duration) -> Bool {
        SocketReadiness.wait(socket, for: Int32(POLLIN), timeout: timeout)
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }
}
