// The socket structures belong to CNIOLinux once NIO is linked into the module.
import CNIOLinux
import Glibc

/// Opens the TCP connection of a device endpoint, in place of libmodbus's `modbus_connect`,
/// whose wait for the connection is a `select()` on the new socket: a socket numbered
/// `FD_SETSIZE` or more would abort the process before it could be moved lower.
enum TCPConnector {
    /// A connected, non-blocking socket (as libmodbus makes its own) with `TCP_NODELAY`; each of
    /// `host`'s addresses is tried in turn, each for up to `timeout`.
    /// - Throws: `ModbusError`: `.connectionRefused`, `.timeout`, or the system error of the
    ///   last address tried.
    static func connect(host: String, port: Int, timeout: Duration) throws(ModbusError) -> Int32 {
        let operation = "connect to \(Endpoint.tcp(host: host, port: port))"
        return try SocketAddresses.withResolved(host: host, port: port, passive: false, operation: operation) {
            first throws(ModbusError) -> Int32 in
            var code = ECONNREFUSED
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let info = next {
                next = info.pointee.ai_next
                let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                let descriptor = socket(info.pointee.ai_family, flags, 0)
                guard descriptor >= 0 else {
                    code = errno
                    continue
                }
                code = attempt(descriptor, to: info.pointee.ai_addr, length: info.pointee.ai_addrlen, timeout: timeout)
                if code == 0 {
                    var one: Int32 = 1
                    setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return descriptor
                }
                close(descriptor)
            }
            throw ModbusContext.error(errno: code, operation: operation)
        }
    }

    /// 0 when connected, else the errno value that says why not (`ETIMEDOUT` after `timeout`).
    private static func attempt(
        _ descriptor: Int32, to address: UnsafeMutablePointer<sockaddr>, length: socklen_t, timeout: Duration
    ) -> Int32 {
        if Glibc.connect(descriptor, address, length) == 0 { return 0 }
        guard errno == EINPROGRESS else { return errno }
        guard SocketReadiness.wait(descriptor, for: Int32(POLLOUT), timeout: timeout) else { return ETIMEDOUT }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else { return errno }
        return error
    }
}
