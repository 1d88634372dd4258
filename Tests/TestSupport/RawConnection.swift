import Foundation

/// A plain TCP socket for sending hand-made Modbus frames, so tests can reach the server's
/// framing and validation with bytes no well-behaved client would send.
public final class RawConnection {
    private let descriptor: Int32

    /// - Parameters:
    ///   - source: the local address to connect from (loopback has all of 127.0.0.0/8).
    ///   - receiveBuffer: the socket's receive buffer in bytes (`SO_RCVBUF`), so that a test can
    ///     keep the server's answers waiting in the server by not reading.
    public init(port: Int, host: String = "127.0.0.1", from source: String? = nil, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(descriptor)
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EADDRNOTAVAIL)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    public func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads what arrives within `timeout`: an empty array means nothing came, nil means the
    /// server closed the connection.
    public func receive(timeout: Duration = .seconds(2), expecting count: Int? = nil) -> [UInt8]? {
        var result: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = Int32(
                max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 512)
            let read = recv(self.descriptor, &buffer, buffer.count, 0)
            if read <= 0 { return result.isEmpty ? nil : result }
            result += buffer[0..<read]
            if let count, result.count >= count { break }
            if count == nil, result.count >= 6, result.count >= 6 + (Int(result[4]) << 8 | Int(result[5])) { break }
        }
        return result
    }

    /// A Modbus/TCP frame: MBAP header with the right length, then `pdu`.
    public static func frame(transaction: UInt16 = 1, unit: UInt8 = 1, pdu: [UInt8], protocolID: UInt16 = 0) -> [UInt8]
    {
        let length = UInt16(pdu.count + 1)
        return [
            UInt8(transaction >> 8), UInt8(transaction & 0xFF), UInt8(protocolID >> 8), UInt8(protocolID & 0xFF),
            UInt8(length >> 8), UInt8(length & 0xFF), unit,
        ] + pdu
    }
}
