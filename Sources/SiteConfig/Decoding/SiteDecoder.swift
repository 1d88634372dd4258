import Foundation
import Modbus
import Vocabulary
import Yams

/// Decodes and checks a site file and every map it references.
final class SiteDecoder {
    let file: String
    let sink: DiagnosticSink
    /// Maps by resolved path; nil for a map that failed.
    var maps: [String: DeviceMap?] = [:]
    /// Each map's path as the site file writes it, by resolved path, for messages.
    var mapReferences: [String: String] = [:]

    static let siteKeys = [
        "site", "upstream", "devices", "allocation", "sources", "poll_interval", "simulation", "surplus",
        "grid_control", "http",
        "push", "state_file", "mqtt", "aliases", "location", "time_zone",
        "weekly_schedule",
    ]
    static let deviceKeys = [
        "id", "map", "uri", "device", "baudrate", "comset", "unit", "device_address", "slave", "capacity", "max_power",
        "max_current", "phases", "priority", "min_soc", "max_soc", "simulate", "poll_interval",
    ]

    init(file: String, sink: DiagnosticSink) {
        self.file = file
        self.sink = sink
    }

    /// A path the site file names, resolved from the site file's folder unless absolute.
    func path(relativeToSite path: String) -> String {
        path.hasPrefix("/")
            ? path : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
    }

    func decode(_ root: Node) -> Site? {
        guard
            let reader = MappingReader(
                root, file: file, sink: sink, context: "the site file",
                expected: "a mapping with site, upstream and devices")
        else {
            return nil
        }
        reader.checkKeys(Self.siteKeys)
        let name = reader.string("site", required: true, expected: "the site's name")?.value
        let upstreams = decodeUpstreams(reader)
        let devices = decodeDevices(reader)
        let allocation =
            reader.choice("allocation", AllocationStrategy.self, what: "an allocation strategy")?.value ?? .equal
        let sources = decodeSources(reader, devices: devices)
        let pollInterval = reader.duration("poll_interval")?.value ?? .seconds(1)
        let profile = decodeProfile(reader)
        let surplus = decodeSurplus(reader)
        let gridControl = decodeGridControl(reader)
        let http = decodeHTTP(reader)
        let push = decodePush(reader, devices: devices)
        let stateFile = reader.string("state_file", expected: "the path of busbar's state file (schedules)").map {
            $0.value.hasPrefix("/")
                ? $0.value
                : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent($0.value).path
        }
        let mqtt = decodeMQTT(reader, siteName: name)
        let aliases = decodeAliases(reader, devices: devices)
        let location = decodeLocation(reader)
        let timeZone = decodeTimeZone(reader)
        let weekly = decodeWeeklySchedule(reader, devices: devices)
        guard let name, !sink.hasErrors else { return nil }
        var site = Site(
            name: name, upstreams: upstreams, devices: devices, allocation: allocation, sources: sources,
            pollInterval: pollInterval, profile: profile, surplus: surplus, gridControl: gridControl, http: http,
            push: push, stateFile: stateFile, mqtt: mqtt)
        site.aliases = aliases
        site.location = location
        site.timeZone = timeZone
        site.weeklySchedule = weekly
        return site
    }

    /// `http: {listen: "127.0.0.1:8080", token: "…"}`.
    private func decodeHTTP(_ reader: MappingReader) -> HTTPConfig? {
        guard let section = reader.mapping("http", context: "http", expected: "a mapping with listen and token") else {
            return nil
        }
        section.checkKeys(["listen", "token", "token_file"])
        var http = HTTPConfig()
        let listen = section.string("listen", expected: "HOST:PORT such as \"127.0.0.1:8080\"")
        if let listen {
            if case .tcp(let host, let port)? = try? Endpoint.parse(listen.value) {
                (http.host, http.port) = (host, port)
            } else {
                sink.error(
                    listen.location, "listen: found \"\(listen.value)\", expected HOST:PORT such as \"127.0.0.1:8080\"")
            }
        }
        if let token = secret(section, "token", expected: "the bearer token clients must send") {
            if token.value.isEmpty {
                sink.error(token.location, "token: found an empty token, expected one or no token key")
            }
            http.token = token.value
        }
        // Beyond loopback, anyone on the network could command the site.
        if http.token == nil, !Self.isLoopback(http.host) {
            sink.error(
                listen?.location ?? section.location,
                "listen: found \(http.host):\(http.port) without a token, expected a token (token or token_file) for an address beyond loopback"
            )
        }
        return http
    }

    /// `push: {url: "https://…/KEY", interval: 15 s, timeout: 10 s, targets: [ess, evse1]}`.
    private func decodePush(_ reader: MappingReader, devices: [DeviceConfig]) -> PushConfig? {
        guard
            let section = reader.mapping(
                "push", context: "push", expected: "a mapping with url, interval, timeout and targets")
        else {
            return nil
        }
        section.checkKeys(["url", "url_file", "interval", "timeout", "targets"])
        guard let url = secret(section, "url", required: true, expected: "the receiver's URL with its API key") else {
            return nil
        }
        if !(url.value.hasPrefix("http://") || url.value.hasPrefix("https://")) {
            sink.error(url.location, "url: found \"\(url.value)\", expected an http:// or https:// URL")
        }
        var push = PushConfig(url: url.value)
        if let interval = section.duration("interval") {
            // The receiver takes at most 180 requests a minute.
            if interval.value < .milliseconds(334) {
                sink.error(
                    interval.location,
                    "interval: found \(interval.value), expected at least 334 ms (180 requests per minute)")
            }
            push.interval = interval.value
        }
        if let timeout = section.duration("timeout") { push.timeout = timeout.value }
        if let items = section.list("targets", expected: "a list of targets: ess, evcs or device ids") {
            let known = Set(["ess", "evcs"] + devices.map(\.id))
            for item in items {
                guard let name = item.scalar?.string else {
                    sink.error(item.location(in: file), "targets: found \(item), expected a target name")
                    continue
                }
                if !known.contains(name) {
                    sink.error(
                        item.location(in: file),
                        "targets: found \"\(name)\", expected ess, evcs or a device id of this site")
                }
                push.targets.append(name)
            }
        }
        return push
    }

    /// `surplus: {start_delay: 60 s, stop_delay: 3 min}`.
    private func decodeSurplus(_ reader: MappingReader) -> SurplusConfig {
        var surplus = SurplusConfig()
        guard
            let section = reader.mapping(
                "surplus", context: "surplus", expected: "a mapping with start_delay and stop_delay")
        else {
            return surplus
        }
        section.checkKeys(["start_delay", "stop_delay"])
        if let start = section.duration("start_delay") { surplus.startDelay = start.value }
        if let stop = section.duration("stop_delay") { surplus.stopDelay = stop.value }
        return surplus
    }

    /// `grid_control: {p: 0.6, i: 1.0, max_age: 5 s, hold: 5 s}`.
    private func decodeGridControl(_ reader: MappingReader) -> GridControlSettings {
        var config = GridControlSettings()
        guard
            let section = reader.mapping(
                "grid_control", context: "grid_control", expected: "a mapping with p, i, max_age and hold")
        else {
            return config
        }
        section.checkKeys(["p", "i", "max_age", "hold"])
        for (key, keyPath) in [("p", \GridControlSettings.proportional), ("i", \GridControlSettings.integral)] {
            guard let gain = section.number(key, expected: "a gain from 0 to 10") else { continue }
            if (0...10).contains(gain.value) {
                config[keyPath: keyPath] = gain.value
            } else {
                sink.error(gain.location, "\(key): found \(gain.value), expected a gain from 0 to 10")
            }
        }
        if let age = section.duration("max_age") { config.maxAge = age.value }
        if let hold = section.duration("hold") { config.hold = hold.value }
        return config
    }
}
