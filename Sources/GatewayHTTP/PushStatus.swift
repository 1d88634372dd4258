public import Foundation

/// How a push client has fared, for logs and `GET /api/status`.
public struct PushStatus: Codable, Sendable, Hashable {
    /// Requests sent.
    package var attempts = 0
    /// Requests answered with a 2xx.
    public var delivered = 0
    /// Requests that failed (error, timeout, non-2xx) since the last delivered one.
    package var consecutiveFailures = 0
    /// When the last request was sent.
    public var lastAttempt: Date?
    /// When a request was last delivered.
    public var lastDelivered: Date?
    /// Why the last failed request failed.
    package var lastError: String?

    public init() {}
}

/// How one push ended.
public enum PushResult: Sendable, Hashable {
    /// The receiver took the data (any 2xx); its response was applied, or refused and remembered.
    case delivered(status: Int, outcome: Result<ControlOutcome, ControlRequestError>)
    /// The receiver answered, but not with a 2xx.
    case refused(status: Int)
    /// No answer: connection error or timeout.
    case failed(String)
}
