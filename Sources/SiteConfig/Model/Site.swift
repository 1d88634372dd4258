public import Vocabulary

/// A site file: the devices behind one meter, how the master reaches busbar, and who may
/// command it. Loaded with its device maps by ``SiteLoader``.
public struct Site: Sendable, Hashable {
    public var name: String
    public var upstreams: [UpstreamConfig]
    public var devices: [DeviceConfig]
    public var allocation: AllocationStrategy
    public var sources: [SourceConfig]
    /// How often telemetry is polled.
    public var pollInterval: Duration
    /// The loads and PV around the simulated devices (`busbar simulate`).
    public var profile: SiteProfile
    /// SURPLUS charging's start and stop delays.
    public var surplus: SurplusConfig
    /// The local JSON API, when the site file has an `http:` section.
    public var http: HTTPConfig?
    /// The cloud EMS push, when the site file has a `push:` section.
    public var push: PushConfig?

    public init(
        name: String, upstreams: [UpstreamConfig] = [], devices: [DeviceConfig], allocation: AllocationStrategy = .equal,
        sources: [SourceConfig] = [], pollInterval: Duration = .seconds(1), profile: SiteProfile = SiteProfile(),
        surplus: SurplusConfig = SurplusConfig(), http: HTTPConfig? = nil, push: PushConfig? = nil
    ) {
        self.surplus = surplus
        self.http = http
        self.push = push
        self.name = name
        self.upstreams = upstreams
        self.devices = devices
        self.allocation = allocation
        self.sources = sources
        self.pollInterval = pollInterval
        self.profile = profile
    }

    public func device(id: String) -> DeviceConfig? {
        devices.first { $0.id == id }
    }
}
