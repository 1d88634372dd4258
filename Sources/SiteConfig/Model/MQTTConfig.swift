/// An MQTT broker the site publishes to and takes commands from (`mqtt:` in the site file).
public struct MQTTConfig: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `mqtts://`: TLS, with `ca` checking the broker's certificate.
    public var tls: Bool
    /// A CA file for TLS (required with `mqtts://`).
    public var ca: String?
    public var username: String?
    public var password: String?
    /// Every topic starts with it: `busbar/demo-site/status`.
    public var topicPrefix: String
    /// The documents are published on change, and at least this often.
    public var interval: Duration
    /// Home Assistant's discovery prefix; nil publishes no discovery configs.
    public var discoveryPrefix: String?

    public init(
        host: String, port: Int = 1883, tls: Bool = false, ca: String? = nil, username: String? = nil,
        password: String? = nil, topicPrefix: String, interval: Duration = .seconds(30),
        discoveryPrefix: String? = "homeassistant"
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.ca = ca
        self.username = username
        self.password = password
        self.topicPrefix = topicPrefix
        self.interval = interval
        self.discoveryPrefix = discoveryPrefix
    }

    /// `busbar/demo_site` for a site named "Demo site".
    public static func defaultPrefix(site: String) -> String { "busbar/" + slug(site) }

    /// A name safe in topics and Home Assistant ids: lowercase letters and digits, anything else
    /// an underscore (`demo_site`).
    public static func slug(_ text: String) -> String {
        text.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }
}
