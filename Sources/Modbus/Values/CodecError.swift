/// A value that cannot be read from or written to registers as asked.
///
/// The message names the value, the type and what was expected, e.g.
/// "70000 does not fit uint16 (0…65535)"; callers add where it happened (device, address).
public struct CodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to each (a Modbus server answers
    /// out-of-range writes with exception 0x03, for instance).
    public enum Kind: Sendable, Hashable {
        /// The number of registers does not match the type's size.
        case wrongRegisterCount
        /// A number outside the type's range, or text longer than its registers.
        case outOfRange
        /// A fraction, NaN or infinity where an integer type needs a whole number.
        case notAWholeNumber
        /// A value of the wrong kind: text for a number, a number for text.
        case typeMismatch
        /// A command-line argument that does not parse as the type.
        case invalidText
        /// A scale of zero or a non-finite scale, which cannot be inverted.
        case invalidScale
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension CodecError {
    static func outOfRange(_ value: String, _ type: ValueType, expected: String) -> CodecError {
        CodecError(.outOfRange, "\(value) does not fit \(type.name) (\(expected))")
    }

    static func wrongRegisterCount(_ count: Int, _ type: ValueType) -> CodecError {
        let needed = type.registerCount
        return CodecError(
            .wrongRegisterCount,
            "\(type.name) takes \(needed) register\(needed == 1 ? "" : "s"), got \(count)"
        )
    }

    static func notAWholeNumber(_ value: String, _ type: ValueType) -> CodecError {
        CodecError(.notAWholeNumber, "\(value) is not a whole number; \(type.name) stores integers only")
    }

    static func typeMismatch(_ value: RegisterValue, _ type: ValueType) -> CodecError {
        let shown = if case .string(let text) = value { "text \"\(text)\"" } else { value.description }
        let expected = if case .string = type { "text" } else { "a number" }
        return CodecError(.typeMismatch, "\(shown) cannot be stored as \(type.name), which needs \(expected)")
    }
}
