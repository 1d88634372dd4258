import Modbus
import Yams

extension SiteDecoder {
    /// `upstream:`: each `{profile, listen, unit}` with its access rules: `allow` (CIDRs),
    /// `read_only`, `clients` (`{from: CIDR, role: read | write}`), `max_connections` and
    /// `idle_timeout`.
    func decodeUpstreams(_ reader: MappingReader) -> [UpstreamConfig] {
        guard let items = reader.list("upstream", expected: "a list of {profile, listen, unit}") else { return [] }
        var seen: [String: Int] = [:]
        return items.compactMap { item in
            guard
                let upstream = MappingReader(
                    item, file: file, sink: sink, context: "an upstream",
                    expected: "{profile: native, listen: \"0.0.0.0:502\", unit: 1}")
            else {
                return nil
            }
            upstream.checkKeys([
                "profile", "listen", "unit", "allow", "read_only", "clients", "max_connections", "idle_timeout",
            ])
            let profile = upstream.choice("profile", UpstreamConfig.Profile.self, required: true, what: "a profile")
            let unit = upstream.integer("unit", in: 0...255, expected: "a unit id from 0 to 255")?.value ?? 1
            var host = "0.0.0.0"
            var port = 502
            if let listen = upstream.string("listen", expected: "HOST:PORT such as \"0.0.0.0:502\"") {
                switch try? Endpoint.parse(listen.value) {
                case .tcp(let parsedHost, let parsedPort)?:
                    (host, port) = (parsedHost, parsedPort)
                    if let line = seen["\(host):\(port)"] {
                        sink.error(
                            listen.location,
                            "listen: found \(listen.value) again, expected each upstream on its own address (first at line \(line))"
                        )
                    }
                    seen["\(host):\(port)"] = listen.location.line
                default:
                    sink.error(
                        listen.location, "listen: found \"\(listen.value)\", expected HOST:PORT such as \"0.0.0.0:502\""
                    )
                }
            }
            var config = UpstreamConfig(profile: .native, host: host, port: port, unit: unit)
            decodeAccess(upstream, into: &config)
            guard let profile else { return nil }
            config.profile = profile.value
            return config
        }
    }

    private func decodeAccess(_ upstream: MappingReader, into config: inout UpstreamConfig) {
        if let ranges = upstream.list("allow", expected: "a list of networks such as \"192.168.1.0/24\"") {
            config.access.allow = ranges.compactMap { networkRange($0, key: "allow") }
        }
        if upstream.bool("read_only") == true { config.access.defaultRole = .read }
        if let clients = upstream.list("clients", expected: "a list of {from: CIDR, role: read | write}") {
            config.access.clients = clients.compactMap { node in
                guard
                    let client = MappingReader(
                        node, file: file, sink: sink, context: "a client", expected: "{from: CIDR, role: read | write}")
                else { return nil }
                client.checkKeys(["from", "role"])
                let role = client.choice("role", AccessPolicy.Role.self, required: true, what: "a role")
                guard let from = client.node("from"), let range = networkRange(from, key: "from"), let role else {
                    if client.node("from") == nil {
                        sink.error(
                            node.location(in: file), "found a client without from, expected {from: CIDR, role: read}")
                    }
                    return nil
                }
                return (range: range, role: role.value)
            }
        }
        if let limit = upstream.integer(
            "max_connections", in: 1...4096, expected: "a number of connections from 1 to 4096")
        {
            config.maxConnections = limit.value
        }
        if let idle = upstream.duration("idle_timeout") {
            if idle.value >= .seconds(1) {
                config.idleTimeout = idle.value
            } else {
                sink.error(idle.location, "idle_timeout: found \(idle.value), expected at least 1 s")
            }
        }
    }

    private func networkRange(_ node: Node, key: String) -> NetworkRange? {
        guard case .scalar(let scalar) = node, let range = NetworkRange(scalar.string) else {
            sink.error(
                node.location(in: file),
                "\(key): found \(node.found), expected a network such as \"192.168.1.0/24\" or an address")
            return nil
        }
        return range
    }
}
