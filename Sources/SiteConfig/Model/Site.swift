public import Foundation
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
    /// How the grid modes follow the meter.
    public var gridControl: GridControlSettings
    /// The local JSON API, when the site file has an `http:` section.
    public var http: HTTPConfig?
    /// The cloud EMS push, when the site file has a `push:` section.
    public var push: PushConfig?
    /// Where the schedules with explicit times are kept across restarts (`state_file`, resolved
    /// against the site file's folder); `nil`: they last as long as the process.
    public var stateFile: String?
    /// The MQTT broker, when the site file has an `mqtt:` section.
    public var mqtt: MQTTConfig?
    /// Other names the JSON APIs take for targets (`aliases:`), alias → `ess`, `evcs` or a
    /// device id; see ``targetAliases`` for the default.
    public var aliases: [String: String] = [:]
    /// Where the site is (`location:`), for `until: sunrise|sunset`; `nil` when not given.
    public var location: SiteLocation?
    /// The site's time zone (`time_zone:`); `nil`: the system's.
    public var timeZone: TimeZone?
    /// The recurring weekly default schedule (`weekly_schedule:`), run as source `weekly` in
    /// the site's time zone.
    public var weeklySchedule: [WeeklySlot] = []

    /// The time zone the site's local times are in: its own, else the system's.
    public var zone: TimeZone { timeZone ?? .current }

    public init(
        name: String, upstreams: [UpstreamConfig] = [], devices: [DeviceConfig],
        allocation: AllocationStrategy = .equal,
        sources: [SourceConfig] = [], pollInterval: Duration = .seconds(1), profile: SiteProfile = SiteProfile(),
        surplus: SurplusConfig = SurplusConfig(), gridControl: GridControlSettings = GridControlSettings(),
        http: HTTPConfig? = nil, push: PushConfig? = nil, stateFile: String? = nil, mqtt: MQTTConfig? = nil
    ) {
        self.stateFile = stateFile
        self.mqtt = mqtt
        self.surplus = surplus
        self.gridControl = gridControl
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

    /// The aliases in force: the site file's, and `ess0` (OpenEMS's id of the first ESS) for
    /// `ess` unless the site file or a device takes that name.
    public var targetAliases: [String: String] {
        var aliases = self.aliases
        if aliases["ess0"] == nil, device(id: "ess0") == nil { aliases["ess0"] = "ess" }
        return aliases
    }

    public func device(id: String) -> DeviceConfig? {
        devices.first { $0.id == id }
    }

    /// The fallback each target returns to when no command holds it: per target, the entry of
    /// the highest-priority source that names one; between sources of equal priority, the one
    /// listed first. An AUTO entry counts like any other, so it keeps the fallbacks of
    /// lower-priority sources off its target. By target.
    public var fallbacks: [SourceFallback] {
        let ranked = sources.enumerated().sorted { lhs, rhs in
            lhs.element.priority != rhs.element.priority
                ? lhs.element.priority > rhs.element.priority : lhs.offset < rhs.offset
        }
        var chosen: [SourceFallback.Target: SourceFallback] = [:]
        for (_, source) in ranked {
            for fallback in source.fallbacks where chosen[fallback.target] == nil {
                chosen[fallback.target] = fallback
            }
        }
        return chosen.values.sorted { $0.target < $1.target }
    }
}
