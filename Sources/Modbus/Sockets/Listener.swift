// The socket structures belong to CNIOLinux once NIO is linked into the module.
import CNIOLinux
import Glibc

/// Opens a listening TCP socket for the server.
enum Listener {
    struct Socket {
        var descriptor: Int32
        var port: Int
    }

    static func open(host: String, port: Int) throws(ModbusError) -> Socket {
        let operation = "listen on \(Endpoint.tcp(host: host, port: port))"
        let descriptor = try SocketAddresses.withResolved(host: host, port: port, passive: true, operation: operation) {
            info throws(ModbusError) -> Int32 in
            let descriptor = socket(
                info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw ModbusContext.error(errno: errno, operation: operation) }
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(descriptor, 128) == 0
            else {
                let code = errno
                close(descriptor)
                throw ModbusContext.error(errno: code, operation: operation)
            }
            return descriptor
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let family = Int32(address.ss_family)
        let bound = withUnsafePointer(to: &address) { pointer -> Int in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
        return Socket(descriptor: descriptor, port: bound)
    }
}
