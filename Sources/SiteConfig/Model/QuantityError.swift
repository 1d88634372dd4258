/// Why a quantity did not parse: "found …, expected …".
public struct QuantityError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
