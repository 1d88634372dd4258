/// What went wrong talking Modbus, and where: every error names the operation, the unit id and the
/// address it concerned, so one line on stderr or in a log says enough to act on.
public struct ModbusError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The peer answered with a Modbus exception.
        case exception(ExceptionCode)
        /// No (complete) answer within the response timeout.
        case timeout
        /// The peer refused the connection.
        case connectionRefused
        /// The connection was closed or reset by the peer.
        case connectionClosed
        /// An answer that does not fit the request (bad CRC, wrong length, wrong unit, …).
        case invalidResponse(String)
        /// A bad argument, found before anything was sent.
        case invalidArgument(String)
        /// Any other operating-system error, by errno number and text.
        case system(errno: Int32, message: String)
    }

    public var kind: Kind
    /// What was being done, e.g. "read holding registers (FC3)" or "connect to 127.0.0.1:502".
    public var operation: String
    public var unit: UInt8?
    public var address: Int?

    public init(_ kind: Kind, operation: String, unit: UInt8? = nil, address: Int? = nil) {
        self.kind = kind
        self.operation = operation
        self.unit = unit
        self.address = address
    }

    /// The exception code when the peer answered with one.
    public var exceptionCode: ExceptionCode? {
        if case .exception(let code) = kind { return code }
        return nil
    }

    public var description: String {
        var place = ""
        if let unit { place += " unit \(unit)" }
        if let address { place += " address \(address)" }
        let what: String =
            switch kind {
            case .exception(let code): "Modbus exception \(code)"
            case .timeout: "timed out waiting for the answer"
            case .connectionRefused: "connection refused"
            case .connectionClosed: "connection closed by the peer"
            case .invalidResponse(let detail): "invalid response: \(detail)"
            case .invalidArgument(let detail): detail
            case .system(let errno, let message): "\(message) (errno \(errno))"
            }
        return "\(operation)\(place.isEmpty ? "" : " at" + place): \(what)"
    }
}
