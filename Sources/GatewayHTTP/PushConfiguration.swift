public import Control
import Gateway
public import GatewayState

/// A push client's settings, as the site file's `push:` section or `busbar demo --push-url`
/// give them.
public struct PushConfiguration: Sendable, Hashable {
    /// Where to POST; a device-specific API key is part of it.
    public var url: String
    /// Time between pushes (start to start).
    public var interval: Duration
    /// How long one request may take, connection included.
    public var timeout: Duration
    /// The targets the cloud may control; `nil` for all.
    public var allowedTargets: Set<Target>?
    /// The receiver's limit on requests.
    package var rateLimit: RateLimiter
    /// The cloud source's priority in the control core: modes a higher-priority command
    /// overrides are not offered.
    public var priority: Int
    /// The largest response taken, in bytes.
    public var maximumResponseSize: Int

    /// The source the cloud's commands come from. Its watchdog timeout in the control core's
    /// configuration is how often the cloud must repeat a mode (60 s by default).
    public static let source = SourceID(GatewaySources.cloud)

    public init(
        url: String, interval: Duration = .seconds(15), timeout: Duration = .seconds(10),
        allowedTargets: Set<Target>? = nil, rateLimit: RateLimiter = .cleverPV, priority: Int = 5,
        maximumResponseSize: Int = ControlRequestDecoder.defaultMaximumBodySize
    ) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.allowedTargets = allowedTargets
        self.rateLimit = rateLimit
        self.priority = priority
        self.maximumResponseSize = maximumResponseSize
    }
}
