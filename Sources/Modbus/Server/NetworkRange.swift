// The socket structures belong to CNIOLinux once NIO is linked into the module.
import CNIOLinux
import Glibc

/// A block of IPv4 or IPv6 addresses in CIDR notation (`192.168.1.0/24`, `10.0.0.5`,
/// `fd00::/8`): what an upstream's `allow:` and `clients:` name.
public struct NetworkRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's address bytes (4 or 16) and how many leading bits must match.
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// Parses `text`; nil when it is not an address with an optional `/prefix` in range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.address(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            prefixLength = prefix
        } else {
            prefixLength = bits
        }
        self.bytes = bytes
    }

    /// The single address `bytes` (4 or 16 of them).
    init(bytes: [UInt8]) {
        self.bytes = bytes
        prefixLength = bytes.count * 8
    }

    /// Every address of both families.
    public static let any: [NetworkRange] = [NetworkRange("0.0.0.0/0")!, NetworkRange("::/0")!]

    /// Whether `address` (4 or 16 bytes; an IPv4-mapped IPv6 address counts as IPv4) is in it.
    public func contains(_ address: [UInt8]) -> Bool {
        let candidate = Self.unmapped(address)
        guard candidate.count == bytes.count else { return false }
        var left = prefixLength
        for (mine, theirs) in zip(bytes, candidate) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            guard mine & mask == theirs & mask else { return false }
            left -= 8
        }
        return true
    }

    public var description: String {
        let text: String
        if bytes.count == 4 {
            text = bytes.map(String.init).joined(separator: ".")
        } else {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var raw = bytes
            inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
            text = String(cString: buffer)
        }
        return prefixLength == bytes.count * 8 ? text : "\(text)/\(prefixLength)"
    }

    /// The bytes of a textual IPv4 or IPv6 address.
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 bytes; others unchanged.
    static func unmapped(_ address: [UInt8]) -> [UInt8] {
        guard address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF
        else { return address }
        return Array(address[12..<16])
    }
}
