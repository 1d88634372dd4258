import Foundation

/// The machine's established IPv4 TCP connections as the kernel lists them (`/proc/net/tcp`):
/// what tells a connection that stayed open from one opened anew (its client port).
public enum TCPConnections {
    /// The local ports of the established connections whose remote end is `port`: the client
    /// side of every connection to a server on that port.
    public static func clientPorts(toPort port: Int) -> Set<Int> {
        // Read to the end: procfs files have no size, and a read of "the file" stops at a page.
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return [] }
        defer { try? file.close() }
        let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        var ports: Set<Int> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl, local address, remote address, state (01 = ESTABLISHED), …
            guard fields.count > 3, fields[3] == "01", let local = Self.port(of: fields[1]),
                Self.port(of: fields[2]) == port
            else { continue }
            ports.insert(local)
        }
        return ports
    }

    /// The port of an `ADDRESS:PORT` field, both in hexadecimal.
    private static func port(of field: Substring) -> Int? {
        field.split(separator: ":").last.flatMap { Int($0, radix: 16) }
    }
}
