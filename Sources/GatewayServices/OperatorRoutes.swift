import Foundation
public import Gateway
public import GatewayHTTP
public import GatewayMetrics
public import GatewayState
public import Journal
public import Logging

/// What `run` and `demo` serve to operators beside the control API: the Prometheus metrics,
/// recorded from the moment this is made (it becomes the process's swift-metrics backend, so
/// make one per process, before the gateway starts), the audit journal when given a file, and
/// the status page's last hour of power flows (kept across reloads of the local API).
public struct OperatorRoutes: Sendable {
    public let metrics = MetricsExposition()
    public let journal: JournalRecorder?
    public let history = PowerHistory()

    /// - Throws: what opening the journal threw (a file that is not a journal, no permission).
    public init(journal path: String?, logger: Logger) throws {
        metrics.bootstrap()
        journal = try path.map { try JournalRecorder(journal: Journal(path: $0), logger: logger) }
    }

    /// The local API's operator routes for `gateway`, whose controller tells the journal from now on.
    public func operations(for gateway: Gateway) -> LocalAPIOperations {
        let metrics = self.metrics
        var operations = LocalAPIOperations(metrics: { metrics.render(gateway) }, history: history)
        if let journal {
            gateway.controller.observe(journal)
            operations.journal = { query in
                try Journal.json(journal.journal.entries(since: query.since, target: query.target, limit: query.limit))
            }
        }
        return operations
    }
}
