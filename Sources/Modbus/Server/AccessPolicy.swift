/// Who may talk to a listener and what they may do: the networks allowed to connect (others are
/// closed at accept), and per network whether a master may write or only read. A write from a
/// reader gets exception 0x01 and never reaches the handler.
public struct AccessPolicy: Sendable, Hashable {
    /// What a client may do.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Reads only: writes are refused with 0x01.
        case read
        /// Reads and writes.
        case write
    }

    /// The networks a connection may come from; every address when `NetworkRange.any`.
    public var allow: [NetworkRange]
    /// Roles for particular networks, the first match wins; others get `defaultRole`.
    public var clients: [(range: NetworkRange, role: Role)]
    public var defaultRole: Role

    public init(
        allow: [NetworkRange] = NetworkRange.any, clients: [(NetworkRange, Role)] = [], defaultRole: Role = .write
    ) {
        self.allow = allow
        self.clients = clients.map { (range: $0.0, role: $0.1) }
        self.defaultRole = defaultRole
    }

    /// Anyone may connect and write.
    public static let open = AccessPolicy()

    /// The role of a client at `address` (its bytes); nil when it may not connect.
    public func role(for address: [UInt8]) -> Role? {
        guard allow.contains(where: { $0.contains(address) }) else { return nil }
        return clients.first { $0.range.contains(address) }?.role ?? defaultRole
    }

    public static func == (lhs: AccessPolicy, rhs: AccessPolicy) -> Bool {
        lhs.allow == rhs.allow && lhs.defaultRole == rhs.defaultRole
            && lhs.clients.map(\.range) == rhs.clients.map(\.range)
            && lhs.clients.map(\.role) == rhs.clients.map(\.role)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(allow)
        hasher.combine(defaultRole)
        for client in clients {
            hasher.combine(client.range)
            hasher.combine(client.role)
        }
    }
}
