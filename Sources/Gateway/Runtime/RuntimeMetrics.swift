import Control
import CoreMetrics
import Modbus

/// What the runtime counts and times as it goes, through swift-metrics: recorded by whatever
/// backend the program bootstrapped (busbar's is Prometheus, on the local API's `/metrics`), and
/// by none otherwise. The gauges that are a reading of the present (online, age of the last
/// read, modes in force) are not here: the exposition reads them off a snapshot when scraped.
/// docs/metrics.md lists every name and label.
enum RuntimeMetrics {
    /// How long one poll of a device took, answered or not.
    static func polled(device: String, duration: Duration) {
        Timer(label: "busbar_device_poll_duration_seconds", dimensions: [("device", device)])
            .recordNanoseconds(duration.nanoseconds)
    }

    /// A poll that brought no answer.
    static func pollFailed(device: String, error: ModbusError) {
        Counter(
            label: "busbar_device_poll_failures_total", dimensions: [("device", device), ("kind", error.kind.label)]
        )
        .increment()
    }

    /// A write the device refused or left unanswered.
    static func writeFailed(device: String, error: any Error) {
        let kind = (error as? ModbusError)?.kind.label ?? "other"
        Counter(label: "busbar_device_write_failures_total", dimensions: [("device", device), ("kind", kind)])
            .increment()
    }

    /// A request a master sent to an upstream listener, by function code, and the exception it
    /// was answered with (`none` for a normal answer).
    static func served(profile: String, function: FunctionCode, response: ModbusResponse) {
        var exception = "none"
        if case .exception(let code) = response { exception = String(code.rawValue) }
        Counter(
            label: "busbar_upstream_requests_total",
            dimensions: [("profile", profile), ("function_code", String(function.rawValue)), ("exception", exception)]
        ).increment()
    }

    /// A connection from outside the allowed networks, or a write from a read-only client.
    static func refused(profile: String, kind: ModbusTCPServer.Refusal.Kind) {
        Counter(label: "busbar_upstream_refused_total", dimensions: [("profile", profile), ("kind", kind.rawValue)])
            .increment()
    }

    /// A command a source sent, by whether the control core took it.
    static func received(_ command: Command, accepted: Bool) {
        Counter(
            label: "busbar_commands_total",
            dimensions: [
                ("source", command.source.rawValue), ("target", command.target.description),
                ("outcome", accepted ? "accepted" : "rejected"),
            ]
        ).increment()
    }

    /// How long one control step (expire, decide, hand out orders, publish) took.
    static func decided(duration: Duration) {
        Timer(label: "busbar_control_decision_duration_seconds").recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, for swift-metrics' timers.
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension ModbusError.Kind {
    /// The failure's kind as a metric label: `timeout`, `exception`, `connection_refused`, …
    var label: String {
        switch self {
        case .exception: "exception"
        case .timeout: "timeout"
        case .connectionRefused: "connection_refused"
        case .connectionClosed: "connection_closed"
        case .invalidResponse: "invalid_response"
        case .invalidArgument: "invalid_argument"
        case .system: "system"
        }
    }
}
