import Control
public import CoreMetrics
public import Gateway
public import Prometheus
import Synchronization

/// busbar's metrics in Prometheus's text format: what the runtime counted and timed through
/// swift-metrics (once `bootstrap()` made this registry the process's backend), and the gauges
/// of the present read off the gateway when scraped: each device's online state and the age of
/// its last read, the modes in force and the commands that lost, the upstreams' open
/// connections. A gauge whose labels are gone (a mode that ended) is dropped at the next scrape.
/// docs/metrics.md lists every name and label.
public final class MetricsExposition: Sendable {
    /// Where every metric is kept.
    public let registry: PrometheusCollectorRegistry
    /// The gauges of the last scrape, by name and labels.
    private let present = Mutex<[PresentGauge: Prometheus.Gauge]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The swift-metrics backend that records into `registry`, with buckets fitted to busbar's
    /// durations: polls take milliseconds to a timeout, a control step well under one.
    public var factory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["busbar_control_decision_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100),
        ]
        return factory
    }

    /// Makes `factory`, with every metric's help, the process's swift-metrics backend; once per
    /// process, before the gateway starts.
    public func bootstrap() { MetricsSystem.bootstrap(DocumentedMetricsFactory(factory)) }

    /// Every metric as a scrape answers it, with the gauges of the present taken from `gateway`.
    public func render(_ gateway: Gateway) -> String {
        update(PresentGauge.all(snapshot: gateway.controller.snapshot, upstreams: gateway.upstreamStatistics))
        return registry.emitToString()
    }

    /// Sets the gauges of the present and unregisters those no longer present.
    func update(_ values: [(PresentGauge, Double)]) {
        present.withLock { known in
            var current: [PresentGauge: Prometheus.Gauge] = [:]
            for (key, value) in values {
                let gauge =
                    known[key] ?? current[key]
                    ?? registry.makeGauge(name: key.name.rawValue, labels: key.labels, help: key.name.help)
                gauge.set(value)
                current[key] = gauge
            }
            for (key, gauge) in known where current[key] == nil { registry.unregisterGauge(gauge) }
            known = current
        }
    }
}
