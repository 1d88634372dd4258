/// A site that passed every check, with each map it references loaded once.
public struct LoadedSite: Sendable, Hashable {
    public var site: Site
    /// Keyed by ``DeviceConfig/mapPath``.
    public var maps: [String: DeviceMap]
    /// Where the site file is.
    public var path: String
    /// Warnings found while checking; a loaded site has no errors.
    public var warnings: [Diagnostic]

    public init(site: Site, maps: [String: DeviceMap], path: String, warnings: [Diagnostic] = []) {
        self.site = site
        self.maps = maps
        self.path = path
        self.warnings = warnings
    }

    /// The map of one device.
    public func map(for device: DeviceConfig) -> DeviceMap? {
        maps[device.mapPath]
    }
}
