public import Foundation
public import GatewayState

/// What the local API serves to the people and tools operating the gateway, beside the control
/// documents: the Prometheus metrics on `GET /metrics` and the audit journal on
/// `GET /api/journal`, and the status page's chart on `GET /api/history`. Each is left out when nil. The same token rules hold for them as for the
/// rest of the API.
public struct LocalAPIOperations: Sendable {
    /// What `GET /api/journal` asks for: entries since a time, about one target, how many.
    public struct JournalQuery: Sendable, Hashable {
        public var since: Date?
        public var target: String?
        public var limit: Int
    }

    /// The metrics in Prometheus's text format (version 0.0.4), rendered at each scrape.
    public var metrics: (@Sendable () -> String)?
    /// The journal's entries a query asks for, as a JSON array.
    public var journal: (@Sendable (JournalQuery) throws -> Data)?
    /// The site's power flows over the last hour, as a JSON array of samples, oldest first.
    public var history: PowerHistory?

    public init(
        metrics: (@Sendable () -> String)? = nil, journal: (@Sendable (JournalQuery) throws -> Data)? = nil,
        history: PowerHistory? = nil
    ) {
        self.metrics = metrics
        self.journal = journal
        self.history = history
    }
}
