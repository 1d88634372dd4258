public import Modbus

/// One named point of the native register map: where it is, how it is encoded, and what it
/// means. The map's document (`busbar map`) and the profile's reads and writes both come from
/// these values.
public struct NativeRegister: Sendable, Hashable {
    /// Whether a master may read or write the point.
    public enum Access: String, Sendable, Hashable {
        case read = "r"
        case readWrite = "rw"
        case write = "w"

        public var isWritable: Bool { self != .read }
    }

    /// One name of an enumeration and its number.
    public struct EnumValue: Sendable, Hashable {
        public var name: String
        public var code: Int

        public init(_ name: String, _ code: Int) {
            self.name = name
            self.code = code
        }
    }

    /// The point's name, e.g. `site.ess.soc` or `ess1.activePower`.
    public var name: String
    /// The first register, a 0-based PDU address.
    public var address: Int
    /// How the value sits in its registers (big-endian, high word first).
    public var type: ValueType
    public var access: Access
    /// The unit, empty for codes and counts.
    public var unit: String
    public var description: String
    /// The names of an enumeration (modes, kinds, sources), by number.
    public var values: [EnumValue]?
    /// The values a write may carry; `nil` for read-only points and for enumerations, which
    /// accept exactly their `values`.
    public var range: ClosedRange<Double>?
    /// What the point stands for.
    public var point: NativePoint

    /// How many registers the point occupies.
    public var count: Int { type.registerCount }
    /// The registers the point occupies.
    public var addresses: Range<Int> { address..<address + count }
    /// The encoding's name as the document writes it.
    public var encoding: String { type.name }

    /// Whether a write may carry `value`.
    func accepts(_ value: Double) -> Bool {
        if let values { return values.contains { Double($0.code) == value } }
        return range?.contains(value) ?? false
    }
}
