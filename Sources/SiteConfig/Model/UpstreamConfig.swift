public import Modbus

/// Where and how busbar listens for a master EMS.
public struct UpstreamConfig: Sendable, Hashable {
    /// The register layout the master sees (docs/design.md §4).
    public enum Profile: String, Sendable, Hashable, CaseIterable {
        case native, openems, sunspec
    }

    /// The names the upstream profiles give their own groups of points (the native map's
    /// `header.*` and `site.*`): a device id that equals one, or starts with one and a dot,
    /// would give two points one name.
    public static let reservedGroupNames = ["header", "site"]

    /// Whether a device called `id` would collide with a profile's own names.
    public static func collides(deviceID id: String) -> Bool {
        reservedGroupNames.contains { id == $0 || id.hasPrefix($0 + ".") }
    }

    public var profile: Profile
    public var host: String
    public var port: Int
    public var unit: Int
    /// Who may connect and who may write (`allow`, `read_only`, `clients`).
    public var access: AccessPolicy
    /// At this many connections the least recently active one gives way to a new one.
    public var maxConnections: Int
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: Duration
    /// Modbus/TCP Security (`tls: {cert, key, ca, roles}`); nil for plain Modbus/TCP.
    public var security: ModbusSecurity?
    /// The profile's register groups that accept writes (`writable:`, a control block, a device
    /// id); nil when every group does. The profile's table turns them into `access.writable`.
    public var writable: [GroupName]?

    /// A register group named in the site file, where it is named (`busbar check` reports a name
    /// the profile does not have there).
    public struct GroupName: Sendable, Hashable {
        public var name: String
        public var location: SourceLocation

        public init(_ name: String, location: SourceLocation) {
            self.name = name
            self.location = location
        }
    }

    /// The port a Modbus/TCP Security upstream listens on when the site file names none.
    public static let securePort = 802

    public init(
        profile: Profile, host: String = "0.0.0.0", port: Int = 502, unit: Int = 1, access: AccessPolicy = .open,
        maxConnections: Int = 32, idleTimeout: Duration = .seconds(60), security: ModbusSecurity? = nil
    ) {
        self.profile = profile
        self.host = host
        self.port = port
        self.unit = unit
        self.access = access
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.security = security
    }

    /// The server settings this upstream asks for.
    public var serverConfiguration: ModbusTCPServer.Configuration {
        ModbusTCPServer.Configuration(
            maxConnections: maxConnections, idleTimeout: idleTimeout, access: access, security: security)
    }
}
