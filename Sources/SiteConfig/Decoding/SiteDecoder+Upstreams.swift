import Modbus
import Yams

extension SiteDecoder {
    /// `upstream:`: each `{profile, listen, unit}` with its access rules: `allow` (CIDRs),
    /// `read_only`, `clients` (`{from: CIDR, role: read | write}`), `max_connections` and
    /// `idle_timeout`; and `tls` for Modbus/TCP Security.
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
                "profile", "listen", "unit", "allow", "read_only", "clients", "max_connections", "idle_timeout", "tls",
                "writable",
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
            let security = decodeSecurity(upstream)
            if upstream.node("tls") != nil, upstream.node("listen") == nil { port = UpstreamConfig.securePort }
            var config = UpstreamConfig(profile: .native, host: host, port: port, unit: unit, security: security)
            decodeAccess(upstream, into: &config)
            guard let profile else { return nil }
            config.profile = profile.value
            return config
        }
    }

    private func decodeAccess(_ upstream: MappingReader, into config: inout UpstreamConfig) {
        if let groups = upstream.list("writable", expected: "a list of register groups such as [site.control, ess1]") {
            config.writable = groups.compactMap { node in
                guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
                    sink.error(
                        node.location(in: file),
                        "writable: found \(node.found), expected a register group such as site.control or a device id")
                    return nil
                }
                return UpstreamConfig.GroupName(scalar.string, location: node.location(in: file))
            }
        }
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

    /// `tls: {cert, key, ca, roles: {NAME: read | write}}`: Modbus/TCP Security. The files are
    /// read and checked here, so that a missing or bad one is reported where the site file names it.
    private func decodeSecurity(_ upstream: MappingReader) -> ModbusSecurity? {
        guard
            let tls = upstream.mapping(
                "tls", context: "tls", expected: "a mapping with cert, key and ca (PEM files) and roles")
        else { return nil }
        tls.checkKeys(["cert", "key", "ca", "roles"])
        let certificate = tls.string("cert", required: true, expected: "the listener's certificate (a PEM file)")
        let key = tls.string("key", required: true, expected: "the listener's private key (a PEM file)")
        let ca = tls.string("ca", required: true, expected: "the CA that signs the clients' certificates (a PEM file)")
        var roles: [String: AccessPolicy.Role] = [:]
        if let section = tls.mapping(
            "roles", context: "roles", expected: "a mapping of certificate role names to read or write")
        {
            for (name, _) in section.pairs {
                if let role = section.choice(name.value, AccessPolicy.Role.self, required: true, what: "a right") {
                    roles[name.value] = role.value
                }
            }
        }
        guard let certificate, let key, let ca else { return nil }
        do {
            return try ModbusSecurity(
                certificate: path(relativeToSite: certificate.value), key: path(relativeToSite: key.value),
                ca: path(relativeToSite: ca.value), roles: roles)
        } catch {
            let location =
                switch error.file {
                case .certificate: certificate.location
                case .key: key.location
                case .ca: ca.location
                case nil: tls.location
                }
            sink.error(location, "tls: \(error)")
            return nil
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
