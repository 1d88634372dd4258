/// The local JSON API (`http:` in the site file): where it listens and the bearer token it
/// asks for. Loopback by default; no token means none is asked.
public struct HTTPConfig: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var token: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }
}

/// The cloud EMS push (`push:` in the site file): the receiver's URL (with its API key), how
/// often, how long a request may take, and which targets the cloud may control (`ess`, `evcs`,
/// device ids; all when empty).
public struct PushConfig: Sendable, Hashable {
    public var url: String
    public var interval: Duration
    public var timeout: Duration
    public var targets: [String]

    public init(
        url: String, interval: Duration = .seconds(15), timeout: Duration = .seconds(10), targets: [String] = []
    ) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.targets = targets
    }
}
