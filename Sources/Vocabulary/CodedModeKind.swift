/// A mode kind with a stable numeric code (its raw value) and a stable name: what register maps
/// and JSON APIs write.
public protocol CodedModeKind: RawRepresentable, CaseIterable, Comparable, Hashable, Sendable,
    CustomStringConvertible
where RawValue == UInt16 {
    /// The stable name, e.g. `"NO_DISCHARGE"`.
    var name: String { get }
}

extension CodedModeKind {
    /// The stable numeric code (the value of a mode register).
    public var code: UInt16 { rawValue }

    /// The kind with the given stable name, if any.
    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    /// The kind with the given stable code, if any.
    public init?(code: UInt16) {
        self.init(rawValue: code)
    }

    /// By code.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { name }
}
