public import Modbus

/// One named field of an upstream profile's register table: where it is, how it is encoded,
/// who may write it, what it reads as while unknown, and what it stands for (`Point`, the
/// profile's own meaning). Reads, writes and the generated documents all come from these
/// values.
public struct RegisterField<Point: Hashable & Sendable>: Sendable, Hashable {
    /// Whether a master may read or write the field.
    public enum Access: String, Sendable, Hashable {
        case read = "r"
        case readWrite = "rw"
        /// Written; reads give the unknown pattern (a set-point is not read back).
        case write = "w"
        /// A placeholder: reads the unknown pattern, refuses writes.
        case reserved = "-"

        public var isWritable: Bool { self == .readWrite || self == .write }
    }

    /// How numbers and texts become words.
    public enum Style: Sendable, Hashable {
        /// busbar's own: integers rounded and held inside the type's range short of the unknown
        /// pattern (a huge value never reads as "unknown"); texts UTF-8, cut on a character.
        case clamping
        /// Java's casts, as OpenEMS encodes: integers truncated toward zero and cut to their low
        /// bits; texts US-ASCII with `?` for anything else.
        case truncating
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

    /// Unique in its table (reserved fields excepted), e.g. `site.ess.soc` or `_sum/GridActivePower`.
    public var name: String
    /// The first register, a 0-based PDU address.
    public var address: Int
    /// How the value sits in its registers (big-endian, high word first).
    public var type: ValueType
    /// The encoding's name as the document writes it (the profile's own word for the type).
    public var encoding: String
    public var access: Access
    /// The unit, empty for codes and counts.
    public var unit: String
    public var description: String
    /// The names of an enumeration, by number.
    public var values: [EnumValue]?
    /// The values a write may carry; `nil` with no `values` takes any finite number.
    public var range: ClosedRange<Double>?
    /// The named group the field belongs to (a control block, a device block, a component):
    /// what documents put under one heading and what access rules can name.
    public var group: String
    public var style: Style
    /// What the field stands for.
    public var point: Point

    public init(
        name: String, address: Int, type: ValueType, encoding: String? = nil, access: Access, unit: String = "",
        description: String = "", values: [EnumValue]? = nil, range: ClosedRange<Double>? = nil, group: String,
        style: Style = .clamping, point: Point
    ) {
        self.name = name
        self.address = address
        self.type = type
        self.encoding = encoding ?? type.name
        self.access = access
        self.unit = unit
        self.description = description
        self.values = values
        self.range = range
        self.group = group
        self.style = style
        self.point = point
    }

    /// How many registers the field occupies.
    public var count: Int { type.registerCount }
    /// The registers the field occupies.
    public var addresses: Range<Int> { address..<address + count }

    /// The words of an unknown value: the most negative number for signed types, all ones for
    /// unsigned types, NaN for floats, NUL characters for texts (SunSpec's and OpenEMS's
    /// "not implemented" patterns).
    public var unknown: [UInt16] { type.unknownWords }
    /// The documented text of the unknown pattern.
    public var unknownText: String { type.unknownText }

    /// Whether a write may carry `value`.
    public func accepts(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if let values { return values.contains { Double($0.code) == value } }
        return range?.contains(value) ?? true
    }

    /// The number a write of `words` carries (the whole value, never part of it).
    public func number(from words: some Collection<UInt16>) -> Double? {
        guard words.count == count, let raw = try? RegisterCodec(valueType: type).decode(words) else { return nil }
        return raw.doubleValue
    }
}

/// What a field shows: a number in the profile's units, a text, or words fixed by the layout.
public enum FieldValue: Sendable, Hashable {
    case number(Double)
    case text(String)
    case words([UInt16])
}
