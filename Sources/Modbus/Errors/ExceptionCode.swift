/// A Modbus exception code, as a server answers a request it cannot carry out
/// (Modbus Application Protocol V1.1b §7).
public struct ExceptionCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// 0x01: the function code is not supported, or not allowed now.
    public static let illegalFunction = ExceptionCode(rawValue: 0x01)
    /// 0x02: the address, or address plus quantity, is not served (or is read-only for a write).
    public static let illegalDataAddress = ExceptionCode(rawValue: 0x02)
    /// 0x03: a malformed quantity or byte count, or a value outside the documented range.
    public static let illegalDataValue = ExceptionCode(rawValue: 0x03)
    /// 0x04: an unrecoverable error while the server carried out the request.
    public static let serverDeviceFailure = ExceptionCode(rawValue: 0x04)
    /// 0x05: accepted, the server needs long to finish.
    public static let acknowledge = ExceptionCode(rawValue: 0x05)
    /// 0x06: the server is busy; retry later.
    public static let serverDeviceBusy = ExceptionCode(rawValue: 0x06)
    /// 0x07: the server cannot perform the program function.
    public static let negativeAcknowledge = ExceptionCode(rawValue: 0x07)
    /// 0x08: a memory parity error in extended memory.
    public static let memoryParityError = ExceptionCode(rawValue: 0x08)
    /// 0x0A: a gateway has no path to the target (unknown unit id, overloaded).
    public static let gatewayPathUnavailable = ExceptionCode(rawValue: 0x0A)
    /// 0x0B: a gateway's target did not answer.
    public static let gatewayTargetFailedToRespond = ExceptionCode(rawValue: 0x0B)

    /// Whether a gateway in front of the unit answered (0x0A, 0x0B) rather than a device: no
    /// device answers on that unit id.
    public var isFromGateway: Bool { self == .gatewayPathUnavailable || self == .gatewayTargetFailedToRespond }

    /// The name used in messages, e.g. "illegal data address".
    public var name: String {
        switch self {
        case .illegalFunction: "illegal function"
        case .illegalDataAddress: "illegal data address"
        case .illegalDataValue: "illegal data value"
        case .serverDeviceFailure: "server device failure"
        case .acknowledge: "acknowledge"
        case .serverDeviceBusy: "server device busy"
        case .negativeAcknowledge: "negative acknowledge"
        case .memoryParityError: "memory parity error"
        case .gatewayPathUnavailable: "gateway path unavailable"
        case .gatewayTargetFailedToRespond: "gateway target device failed to respond"
        default: "unknown exception"
        }
    }

    /// "illegal data address (0x02)".
    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return "\(name) (0x\(hex.count < 2 ? "0" + hex : hex))"
    }
}
