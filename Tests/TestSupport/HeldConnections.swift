import Foundation

/// Connections opened to `port` and held without a byte sent; closed when freed.
public final class HeldConnections {
    public private(set) var descriptors: [Int32] = []

    public init(count: Int, port: Int) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        for _ in 0..<count {
            // Non-blocking: beyond the listen queue a connection stays in progress instead of
            // holding up the test.
            let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let descriptor = socket(AF_INET, flags, 0)
            guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
            descriptors.append(descriptor)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
    }
}
