import Foundation
import Modbus
import TestSupport
import Testing

/// `busbar run` as an operator uses it: it serves the native profile, reloads the site file on
/// SIGHUP (keeping the running one when the new file has errors), and stops cleanly on SIGTERM.
@Suite(.serialized)
struct RunCommandTests {
    func site(named name: String, port: Int, extra: String = "") -> String {
        """
        site: \(name)
        upstream:
          - {profile: native, listen: "127.0.0.1:\(port)", unit: 1}
        devices:
          - {id: evse1, map: \(shippedMap("alfen-ng9xx.yaml")), uri: "127.0.0.1:1", max_current: 16 A, phases: 3}
        \(extra)
        """
    }

    /// The site name the native header publishes (registers 5…20).
    func publishedName(port: Int) -> String? {
        guard let client = try? ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port)),
            let words = try? client.read(.holding, unit: 1, address: 5, count: 16),
            case .string(let name)? = try? RegisterCodec(valueType: .string(registers: 16)).decode(words)
        else { return nil }
        return name
    }

    @Test func reloadsOnSIGHUPKeepsTheRunningSiteOnErrorsAndStopsOnSIGTERM() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("site.yaml").path
        let port = freePort()
        try site(named: "First", port: port).write(toFile: path, atomically: true, encoding: .utf8)
        let gateway = try Peer(Paths.busbar, ["run", path])
        defer { gateway.stop() }
        #expect(eventually { publishedName(port: port) == "First" })

        // A broken file: its problems are printed with their place, and "First" keeps running.
        try site(named: "Broken", port: port, extra: "allocation: fastest").write(
            toFile: path, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.waitForOutput("reload rejected"))
        #expect(gateway.errorOutput.contains("site.yaml:6:13: error:"))
        #expect(publishedName(port: port) == "First")

        try site(named: "Second", port: port).write(toFile: path, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.waitForOutput("site reloaded"))
        #expect(eventually { publishedName(port: port) == "Second" })

        gateway.signal(SIGTERM)
        #expect(gateway.waitForExit() == 0)
        #expect(gateway.errorOutput.contains("gateway stopped"))
    }

    @Test func aSIGTERMStopWithTheLocalAPILogsNoError() throws {
        let folder = try temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("site.yaml").path
        let http = "http: {listen: \"127.0.0.1:\(freePort())\"}"
        try site(named: "Quiet", port: freePort(), extra: http).write(toFile: path, atomically: true, encoding: .utf8)
        let gateway = try Peer(Paths.busbar, ["run", path])
        defer { gateway.stop() }
        #expect(gateway.waitForOutput("serving the local API"), "\(gateway.errorOutput)")
        gateway.signal(SIGTERM)
        #expect(gateway.waitForExit() == 0)
        #expect(gateway.errorOutput.contains("gateway stopped"))
        #expect(errorLogLines(gateway.errorOutput).isEmpty, "\(gateway.errorOutput)")
    }

    @Test func anUnknownLogLevelIsAUsageError() throws {
        let result = try busbar("run", "site.yaml", "--log-level", "nonsense")
        #expect(result.status == 64)
        #expect(
            result.errorOutput.contains(
                #"log level "nonsense" is not one of trace, debug, info, notice, warning, error, critical"#),
            "\(result.errorOutput)")
    }

    @Test func refusesASiteThatFailsCheck() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("site.yaml").path
        try site(named: "Broken", port: freePort(), extra: "pol_interval: 1 s").write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try runCommand(Paths.busbar, ["run", path], timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("did you mean \"poll_interval\""))
        #expect(result.errorOutput.contains("nothing was started"))
    }
}
