/// Where a Modbus peer is: a TCP host and port, or a serial line for RTU.
public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case rtu(SerialLine)

    /// The standard Modbus/TCP port.
    public static let defaultPort = 502

    /// Parses `HOST[:PORT]`, `[IPv6]:PORT`, or a serial device path (anything starting with `/`,
    /// `./` or `../`).
    /// - Throws: `ModbusError` with `.invalidArgument` saying what was expected.
    public static func parse(_ text: String, serial: SerialLine.Settings = .init()) throws(ModbusError) -> Endpoint {
        let operation = "parse endpoint \"\(text)\""
        if isPath(text) {
            return .rtu(SerialLine(device: text, settings: serial))
        }
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw ModbusError(.invalidArgument("expected [IPv6]:PORT"), operation: operation)
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else if !rest.isEmpty {
                throw ModbusError(.invalidArgument("expected [IPv6]:PORT"), operation: operation)
            }
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else {
            throw ModbusError(.invalidArgument("expected HOST[:PORT] or a serial device path"), operation: operation)
        }
        var port = defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw ModbusError(
                    .invalidArgument("port \"\(portText)\" is not a number from 1 to 65535"), operation: operation)
            }
            port = value
        }
        return .tcp(host: String(host), port: port)
    }

    /// Whether the text is written as a path, absolute or relative (`./ttyGW`), never a host.
    public static func isPath(_ text: String) -> Bool {
        text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../")
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .rtu(let line): line.description
        }
    }

    /// The unit ids that address one device here: on a serial line ``SerialLine/deviceUnits``;
    /// on Modbus/TCP any, since the unit id there routes through a gateway to the device behind
    /// it (and a device on its own ignores it or takes any).
    public var deviceUnits: ClosedRange<UInt8> {
        switch self {
        case .tcp: UInt8.min...UInt8.max
        case .rtu: SerialLine.deviceUnits
        }
    }
}

/// A serial line for Modbus RTU.
public struct SerialLine: Sendable, Hashable, CustomStringConvertible {
    public enum Parity: String, Sendable, Hashable, CaseIterable {
        case none = "N"
        case even = "E"
        case odd = "O"
    }

    public struct Settings: Sendable, Hashable {
        public var baud: Int
        public var parity: Parity
        public var dataBits: Int
        public var stopBits: Int

        public init(baud: Int = 19200, parity: Parity = .even, dataBits: Int = 8, stopBits: Int = 1) {
            self.baud = baud
            self.parity = parity
            self.dataBits = dataBits
            self.stopBits = stopBits
        }
    }

    /// The unit ids that address one device on a serial line (Modbus over Serial Line V1.02,
    /// §2.2): 0 is the broadcast address, which no device answers, and 248…255 are reserved.
    public static let deviceUnits: ClosedRange<UInt8> = 1...247

    /// Why the ids outside ``deviceUnits`` are refused, for messages.
    public static let deviceUnitsRule =
        "a serial line addresses devices as units 1…247 (0 is the broadcast address, 248…255 are reserved)"

    public var device: String
    public var settings: Settings

    public init(device: String, settings: Settings = .init()) {
        self.device = device
        self.settings = settings
    }

    /// "/dev/ttyUSB0 19200 8E1".
    public var description: String {
        "\(device) \(settings.baud) \(settings.dataBits)\(settings.parity.rawValue)\(settings.stopBits)"
    }
}
