/// Where and how an `MQTTClient` reaches its broker.
public struct MQTTSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var clientID: String
    public var username: String?
    public var password: String?
    /// A CA file: the connection uses TLS and checks the broker's certificate against it.
    public var caFile: String?
    public var keepAlive: Int
    /// Published retained by the broker when the client goes away without saying so (the last
    /// will), and cleared with `online` on each connect.
    public var availabilityTopic: String?

    public init(
        host: String, port: Int = 1883, clientID: String, username: String? = nil, password: String? = nil,
        caFile: String? = nil, keepAlive: Int = 30, availabilityTopic: String? = nil
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.caFile = caFile
        self.keepAlive = keepAlive
        self.availabilityTopic = availabilityTopic
    }
}
