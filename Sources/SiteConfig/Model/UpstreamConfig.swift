/// Where and how busbar listens for a master EMS.
public struct UpstreamConfig: Sendable, Hashable {
    /// The register layout the master sees (docs/design.md §4).
    public enum Profile: String, Sendable, Hashable, CaseIterable {
        case native, openems, sunspec
    }

    public var profile: Profile
    public var host: String
    public var port: Int
    public var unit: Int

    public init(profile: Profile, host: String = "0.0.0.0", port: Int = 502, unit: Int = 1) {
        self.profile = profile
        self.host = host
        self.port = port
        self.unit = unit
    }
}
