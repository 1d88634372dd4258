// The socket structures belong to CNIOLinux once NIO is linked into the module.
import CNIOLinux
import Glibc

/// Resolves a TCP host and port for the listener and the device connections alike.
enum SocketAddresses {
    /// Calls `body` with the first of `host`'s addresses (a list linked by `ai_next`), freed
    /// afterwards.
    /// - Parameter passive: addresses to bind (a listener) rather than to connect to.
    /// - Throws: `ModbusError` with `.invalidArgument` when `host` cannot be resolved.
    static func withResolved<T>(
        host: String, port: Int, passive: Bool, operation: String,
        _ body: (UnsafeMutablePointer<addrinfo>) throws(ModbusError) -> T
    ) throws(ModbusError) -> T {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &found)
        guard resolved == 0, let first = found else {
            let message = String(cString: gai_strerror(resolved))
            throw ModbusError(.invalidArgument("cannot resolve \"\(host)\": \(message)"), operation: operation)
        }
        defer { freeaddrinfo(first) }
        return try body(first)
    }
}
