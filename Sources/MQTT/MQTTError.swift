import CMosquitto

/// A libmosquitto call that failed, with the library's reason.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var description: String

    init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        self.description = "\(operation): " + String(cString: mosquitto_strerror(code))
    }
}
