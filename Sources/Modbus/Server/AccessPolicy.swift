/// Who may talk to a listener and what they may do: the networks allowed to connect (others are
/// closed at accept), per network whether a master may write or only read, and which holding
/// registers accept writes at all. A write from a reader gets exception 0x01, a write to a
/// holding register outside `writable` exception 0x02; neither reaches the handler.
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
    /// The holding registers a write may touch (a profile's writable groups); every one when nil.
    public var writable: [Range<Int>]?

    public init(
        allow: [NetworkRange] = NetworkRange.any, clients: [(NetworkRange, Role)] = [], defaultRole: Role = .write,
        writable: [Range<Int>]? = nil
    ) {
        self.allow = allow
        self.clients = clients.map { (range: $0.0, role: $0.1) }
        self.defaultRole = defaultRole
        self.writable = writable
    }

    /// Anyone may connect and write.
    public static let open = AccessPolicy()

    /// The role of a client at `address` (its bytes); nil when it may not connect.
    public func role(for address: [UInt8]) -> Role? {
        guard allow.contains(where: { $0.contains(address) }) else { return nil }
        return clients.first { $0.range.contains(address) }?.role ?? defaultRole
    }

    /// Whether `writable` lets `request`, a write, through: every register it touches is in a
    /// writable range (writes to coils are the handler's to judge).
    public func permits(_ request: ModbusRequest) -> Bool {
        guard let writable, request.table == .holding else { return true }
        return (request.address..<request.address + request.count).allSatisfy { address in
            writable.contains { $0.contains(address) }
        }
    }

    public static func == (lhs: AccessPolicy, rhs: AccessPolicy) -> Bool {
        lhs.allow == rhs.allow && lhs.defaultRole == rhs.defaultRole && lhs.writable == rhs.writable
            && lhs.clients.map(\.range) == rhs.clients.map(\.range)
            && lhs.clients.map(\.role) == rhs.clients.map(\.role)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(allow)
        hasher.combine(defaultRole)
        hasher.combine(writable)
        for client in clients {
            hasher.combine(client.range)
            hasher.combine(client.role)
        }
    }
}
