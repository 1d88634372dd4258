import Foundation
import Modbus
public import SiteConfig

/// Where a generated integration (Home Assistant, evcc) reaches one of the site's upstream
/// profiles: a host an integration can connect to, the port and the unit id.
public struct IntegrationEndpoint: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var unit: Int

    public init(host: String, port: Int, unit: Int) {
        self.host = host
        self.port = port
        self.unit = unit
    }

    /// The site's first upstream with `profile`, with `host` and `port` in place of its own when
    /// given. A wildcard listen address (`0.0.0.0`, `::`) becomes `host`, else this machine's
    /// name, since an integration cannot connect to a wildcard. Nil when the site serves no
    /// such upstream and no port is given.
    public init?(site: Site, profile: UpstreamConfig.Profile, host: String? = nil, port: Int? = nil) {
        let upstream = site.upstreams.first { $0.profile == profile }
        guard let port = port ?? upstream?.port else { return nil }
        let listen = upstream?.host ?? "0.0.0.0"
        let wildcard = listen == "0.0.0.0" || listen == "::" || listen.isEmpty
        self.init(
            host: host ?? (wildcard ? ProcessInfo.processInfo.hostName : listen), port: port,
            unit: upstream?.unit ?? 1)
    }

    /// `HOST:PORT`, an IPv6 host in brackets.
    public var uri: String { Endpoint.tcp(host: host, port: port).description }
}
