import Foundation
import TestSupport
import Testing

/// The demo with `--journal`: a local command shows on `GET /api/journal` while it runs and in
/// `busbar journal` after it stopped.
@Suite(.serialized)
struct JournalCommandTests {
    @Test func aLocalCommandIsJournaledAndShownByTheAPIAndTheCommand() throws {
        let folder = try temporaryFolder("journal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("journal.sqlite").path
        let http = freePort()
        let demo = try Peer(
            Paths.busbar,
            [
                "demo", "--port", "\(freePort())", "--openems-port", "\(freePort())", "--http-port", "\(http)",
                "--status-interval", "0", "--journal", file,
            ])
        defer { demo.stop() }
        try #require(demo.waitForOutput("Try this"), "\(demo.errorOutput)")
        let post = try runCommand(
            "/usr/bin/curl",
            [
                "-s", "--max-time", "5", "-H", "Content-Type: application/json", "-d",
                #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#,
                "http://127.0.0.1:\(http)/api/control-modes",
            ])
        #expect(post.status == 0, "\(post.output)")
        let journaled = {
            let answer = try runCommand(
                "/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(http)/api/journal?device=ess&since=1h"])
            let entries = try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [[String: Any]] ?? []
            return entries.contains { $0["kind"] as? String == "mode_change" && $0["source"] as? String == "local" }
        }
        #expect(try eventually(journaled))
        let bad = try runCommand(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(http)/api/journal?since=soon"])
        #expect(bad.output == "400")
        demo.signal(SIGTERM)
        #expect(demo.waitForExit() == 0)

        let json = try busbar("journal", "--file", file, "--device", "ess", "--format", "json")
        #expect(json.status == 0, "\(json.errorOutput)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        let command = try #require(entries.first { $0["kind"] as? String == "command" }, "\(json.output)")
        #expect(command["source"] as? String == "local")
        #expect(command["mode"] as? String == "NO_DISCHARGE")
        #expect(command["outcome"] as? String == "accepted")
        // The local API's client: curl's address and port on loopback.
        #expect((command["client"] as? String)?.hasPrefix("127.0.0.1:") == true, "\(command)")
        let table = try busbar("journal", "--file", file, "--since", "1h")
        #expect(table.status == 0)
        #expect(table.output.contains("mode_change") && table.output.contains("NO_DISCHARGE"), "\(table.output)")
        let missing = try busbar("journal", "--file", folder.appendingPathComponent("none.sqlite").path)
        #expect(missing.status != 0)
        #expect(missing.errorOutput.contains("no journal at"))
    }
}
