import Foundation
import TestSupport
import Testing

/// `--log-format json`: one JSON object per line on stderr, for log shippers.
@Suite(.serialized)
struct LogFormatTests {
    /// swift-log's level names.
    let levels: Set = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    @Test func jsonLogsAreOneObjectPerLineWithTheMetadataOfTheTextFormat() throws {
        let folder = try temporaryFolder("json-log")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("site.yaml").path
        // One chargepoint that nothing answers for: the gateway logs its start, the device's
        // silence with the device's id, and its stop.
        try """
        site: Shipper
        upstream:
          - {profile: native, listen: "127.0.0.1:\(freePort())", unit: 1}
        devices:
          - {id: evse1, map: \(shippedMap("alfen-ng9xx.yaml")), uri: "127.0.0.1:1", max_current: 16 A, phases: 3}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let gateway = try Peer(Paths.busbar, ["run", path, "--log-format", "json", "--log-level", "info"])
        defer { gateway.stop() }
        #expect(gateway.waitForOutput("device not answering"), "\(gateway.errorOutput)")
        gateway.signal(SIGTERM)
        #expect(gateway.waitForExit() == 0)

        let lines = gateway.errorOutput.split(separator: "\n")
        let records = try lines.map(jsonObject)
        for record in records {
            #expect(record["label"] as? String == "busbar")
            #expect(levels.contains(record["level"] as? String ?? ""), "\(record)")
            #expect(record["message"] is String && record["source"] is String, "\(record)")
            let timestamp = try #require(record["timestamp"] as? String)
            #expect(
                (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)) != nil,
                "\(timestamp)")
        }
        let messages = records.compactMap { $0["message"] as? String }
        #expect(messages.first { $0 == "gateway running" } != nil, "\(messages)")
        #expect(messages.last == "gateway stopped", "\(messages)")
        let running = try #require(records.first { $0["message"] as? String == "gateway running" })
        #expect((running["metadata"] as? [String: Any])?["site"] as? String == "Shipper", "\(running)")
        let silent = try #require(records.first { $0["message"] as? String == "device not answering" })
        #expect(silent["level"] as? String == "warning")
        #expect((silent["metadata"] as? [String: Any])?["device.id"] as? String == "evse1", "\(silent)")
    }

    @Test func anUnknownLogFormatIsAUsageError() throws {
        let result = try busbar("run", "site.yaml", "--log-format", "xml")
        #expect(result.status == 64)
        #expect(result.errorOutput.contains("text") && result.errorOutput.contains("json"), "\(result.errorOutput)")
    }
}
