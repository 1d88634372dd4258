import ArgumentParser
import Foundation
import Gateway
import GatewayHTTP
import GatewayMetrics
import GatewayState
import Journal
import Logging

/// What `run` and `demo` serve to operators beside the control API: the Prometheus metrics,
/// recorded from the moment this is made (it becomes the process's swift-metrics backend, so
/// make one per process, before the gateway starts), the audit journal when given a file, and
/// the status page's last hour of power flows (kept across reloads of the local API).
struct OperatorRoutes {
    let metrics = MetricsExposition()
    let journal: JournalRecorder?
    let history = PowerHistory()

    /// - Throws: what opening the journal threw (a file that is not a journal, no permission).
    init(journal path: String?, logger: Logger) throws {
        metrics.bootstrap()
        journal = try path.map { try JournalRecorder(journal: Journal(path: $0), logger: logger) }
    }

    /// The local API's operator routes for `gateway`, whose controller tells the journal from now on.
    func operations(for gateway: Gateway) -> LocalAPIOperations {
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

extension OperatorRoutes {
    /// The routes, or a clear message and a failure exit when the journal cannot be opened.
    static func open(journal path: String?, logger: Logger) throws -> OperatorRoutes {
        do { return try OperatorRoutes(journal: path, logger: logger) } catch {
            CommandFailure.printError("cannot open the journal \(path ?? "-"): \(error)")
            throw ExitCode.failure
        }
    }
}
