/// A handler's answer to one request.
public enum ModbusResponse: Sendable, Hashable {
    /// Register values for FC3/FC4, exactly as many as requested.
    case registers([UInt16])
    /// Bit values for FC1/FC2, exactly as many as requested.
    case bits([Bool])
    /// The write was applied whole; the server echoes it.
    case written
    /// The request is refused with this exception, and nothing was changed.
    case exception(ExceptionCode)
}

/// Answers the requests a `ModbusTCPServer` receives. Connections are served on threads of their
/// own, so `handle` is called concurrently and must be safe to call from any thread; it should
/// answer from memory and never block on I/O.
public protocol ModbusRequestHandler: Sendable {
    func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse

    /// The most registers one FC3/FC4 read may ask for: 125 by the spec (the default); a
    /// handler may serve up to 127, the byte count's limit, for masters that read more at once
    /// (OpenEMS's Edge2Edge reads 126).
    var maxReadRegisters: Int { get }
}

extension ModbusRequestHandler {
    public var maxReadRegisters: Int { ModbusLimits.maxReadRegisters }
}
