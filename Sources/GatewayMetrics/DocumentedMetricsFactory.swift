public import CoreMetrics
public import Prometheus

/// The swift-metrics backend of busbar: swift-prometheus's factory, with the `# HELP` text of
/// each metric the runtime records (swift-prometheus's own factory gives none). Counters and
/// timers are made in the registry with their help; everything else goes to the wrapped factory.
public struct DocumentedMetricsFactory: MetricsFactory {
    /// The factory it adds help to: its registry and histogram buckets are the ones used.
    public let base: PrometheusMetricsFactory

    public init(_ base: PrometheusMetricsFactory) { self.base = base }

    /// The help of the metrics the runtime records (RuntimeMetrics in Gateway), by name; a name
    /// missing here gets no `# HELP` line, which the metrics test reports.
    static let help: [String: String] = [
        "busbar_device_poll_duration_seconds": "How long one poll of the device took, answered or not.",
        "busbar_device_poll_failures_total": "Polls of the device that brought no answer, by kind of failure.",
        "busbar_device_write_failures_total": "Writes the device refused or left unanswered, by kind of failure.",
        "busbar_upstream_requests_total":
            "Requests masters sent to an upstream profile, by function code and the exception answered (none).",
        "busbar_upstream_refused_total":
            "Connections from outside the allowed networks and writes from read-only clients, refused.",
        "busbar_commands_total": "Commands received from a source, by target and whether the control core took them.",
        "busbar_control_decision_duration_seconds":
            "How long one control step took: expire, decide, hand out orders, publish.",
    ]

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let help = Self.help[label] else { return base.makeCounter(label: label, dimensions: dimensions) }
        return base.registry.makeCounter(descriptor: Self.descriptor(label, help), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        base.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        base.makeMeter(label: label, dimensions: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let help = Self.help[label] else { return base.makeTimer(label: label, dimensions: dimensions) }
        let buckets = base.durationHistogramBuckets[label] ?? base.defaultDurationHistogramBuckets
        return base.registry.makeDurationHistogram(
            descriptor: Self.descriptor(label, help), labels: dimensions, buckets: buckets)
    }

    /// The name as it is (no namespace or unit added), with its help.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        base.destroyFloatingPointCounter(handler)
    }
    public func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
