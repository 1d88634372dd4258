/// A text a device reports about itself, by the point name a device map gives it.
public enum IdentityRole: String, Hashable, Sendable, CaseIterable {
    case manufacturer
    case model
    case serial
    case firmware

    /// The point name a device map uses.
    public var pointName: String { rawValue }
}
