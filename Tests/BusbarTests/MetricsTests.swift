import Foundation
import TestSupport
import Testing

/// `/metrics` of the demo, scraped as Prometheus would and parsed by the Prometheus client's own
/// text-format parser: every device online and polled, the control step timed, a master's reads
/// counted by function code, a local command counted and its mode in force.
@Suite(.serialized)
struct MetricsTests {
    struct Sample {
        var name: String
        var type: String
        var labels: [String: String]
        var value: Double
    }

    /// One scrape, parsed; fails the test when the parser rejects it.
    func scrape(_ port: Int) throws -> [Sample] {
        let answer = try runCommand("/usr/bin/curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"])
        guard answer.status == 0 else { return [] }
        let parsed = try runCommand(Paths.python, [Paths.script("parse_metrics.py")], input: answer.output)
        try #require(parsed.status == 0, "the Prometheus parser rejected the scrape: \(parsed.errorOutput)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [[String: Any]])
        return objects.map { object in
            Sample(
                name: object["name"] as? String ?? "", type: object["type"] as? String ?? "",
                labels: object["labels"] as? [String: String] ?? [:], value: (object["value"] as? Double) ?? .nan)
        }
    }

    /// Scrapes until `ready` holds for a scrape (within 20 s) and returns that scrape.
    func scrape(_ port: Int, until ready: ([Sample]) -> Bool) throws -> [Sample] {
        let deadline = ContinuousClock.now + .seconds(20)
        var samples = try scrape(port)
        while !ready(samples), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.25)
            samples = try scrape(port)
        }
        return samples
    }

    @Test func theDemosMetricsParseAndCountWhatHappened() throws {
        let (native, http) = (freePort(), freePort())
        let demo = try Peer(
            Paths.busbar,
            [
                "demo", "--port", "\(native)", "--openems-port", "\(freePort())", "--http-port", "\(http)",
                "--status-interval", "0",
            ])
        defer { demo.stop() }
        try #require(demo.waitForOutput("Try this"), "\(demo.errorOutput)")
        let devices = ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"]
        let online = { (samples: [Sample]) in
            devices.allSatisfy { id in
                samples.contains { $0.name == "busbar_device_online" && $0.labels["device"] == id && $0.value == 1 }
            }
        }
        _ = try scrape(http, until: online)

        // A master reads two holding registers of the native profile; the local API sets a mode.
        let read = try runCommand(
            "/usr/bin/mbpoll", ["-m", "tcp", "-p", "\(native)", "-a", "1", "-r", "1", "-c", "2", "-1", "127.0.0.1"])
        #expect(read.status == 0, "\(read.output)\(read.errorOutput)")
        let command = try runCommand(
            "/usr/bin/curl",
            [
                "-sf", "--max-time", "5", "-H", "Content-Type: application/json", "-d",
                #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}"#,
                "http://127.0.0.1:\(http)/api/control-modes",
            ])
        #expect(command.status == 0, "\(command.output)")

        let samples = try scrape(http) { samples in
            samples.contains { $0.name == "busbar_mode_in_force" && $0.labels["source"] == "local" }
        }
        func values(_ name: String, _ labels: [String: String] = [:]) -> [Double] {
            samples.filter { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }.map(\.value)
        }
        for id in devices {
            #expect(values("busbar_device_online", ["device": id]) == [1], "\(id)")
            #expect(values("busbar_device_poll_duration_seconds_count", ["device": id]).first ?? 0 > 0, "\(id)")
            let age = try #require(values("busbar_device_last_read_age_seconds", ["device": id]).first, "\(id)")
            #expect(age >= 0 && age < 10, "\(id): \(age)")
        }
        #expect(samples.contains { $0.name == "busbar_device_poll_duration_seconds_bucket" && $0.type == "histogram" })
        #expect(values("busbar_control_decision_duration_seconds_count").first ?? 0 > 0)
        #expect(
            values("busbar_upstream_requests_total", ["profile": "native", "function_code": "3", "exception": "none"])
                .first ?? 0 >= 1)
        #expect(values("busbar_upstream_connections", ["profile": "native"]).count == 1)
        #expect(values("busbar_commands_total", ["source": "local", "target": "ess", "outcome": "accepted"]) == [1])
        #expect(values("busbar_mode_in_force", ["target": "ess", "mode": "LIMIT_CHARGE", "source": "local"]) == [1])
        // One mode in force on the cluster: no fallback series beside the command's.
        #expect(values("busbar_mode_in_force", ["target": "ess", "source": "fallback"]).isEmpty)

        // Every metric says what it is: a `# HELP` line beside each `# TYPE` line.
        let text = try runCommand("/usr/bin/curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(http)/metrics"])
        let lines = text.output.split(separator: "\n")
        let typed = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(typed.count >= 8, "\(text.output)")
        #expect(typed.subtracting(helped).isEmpty, "without help: \(typed.subtracting(helped).sorted())")
    }
}
