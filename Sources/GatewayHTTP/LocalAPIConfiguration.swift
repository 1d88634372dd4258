public import Control
import Gateway
public import GatewayState

/// The local JSON API's settings, as the site file's `http:` section or
/// `busbar demo --http-port` give them.
public struct LocalAPIConfiguration: Sendable, Hashable {
    /// The address to listen on: loopback unless the site opens it on purpose.
    public var host: String
    /// The TCP port; 0 picks a free one (tests).
    public var port: Int
    /// When set, every request needs `Authorization: Bearer <token>` (else 401).
    public var bearerToken: String?
    /// The local source's priority in the control core: modes a higher-priority command
    /// overrides are not offered in `/api/current-data`.
    public var priority: Int
    /// The largest `POST` body taken, in bytes (larger ones get 413).
    public var maximumBodySize: Int
    /// How long `POST /api/control-modes` waits for the control core's next decision, so that
    /// its answer shows the modes in force after the request.
    package var decisionWait: Duration
    /// At this many open connections the API accepts no more until one closes (the others wait
    /// in the listen queue): held connections cost bounded descriptors and memory.
    public var maxConnections: Int
    /// A connection with no request for this long is closed, as is one whose request head takes
    /// longer than this to arrive.
    public var idleTimeout: Duration
    /// A request whose body takes longer than this to arrive after its head is dropped with its
    /// connection.
    public var requestTimeout: Duration

    /// The source the local API's commands come from.
    public static let source = SourceID(GatewaySources.local)
    /// busbar's default port for the local API.
    public static let defaultPort = 8080

    public init(
        host: String = "127.0.0.1", port: Int = LocalAPIConfiguration.defaultPort, bearerToken: String? = nil,
        priority: Int = 5, maximumBodySize: Int = ControlRequestDecoder.defaultMaximumBodySize,
        decisionWait: Duration = .seconds(1), maxConnections: Int = 64, idleTimeout: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
        self.priority = priority
        self.maximumBodySize = maximumBodySize
        self.decisionWait = decisionWait
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }
}
