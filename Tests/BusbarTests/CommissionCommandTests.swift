import Foundation
import Simulation
import SiteConfig
import TestSupport
import Testing

/// `busbar commission` as an installer runs it: a site file on disk, devices on the network
/// (simulated), a report on stdout and an exit status that says whether the site works.
@Suite(.serialized)
struct CommissionCommandTests {
    /// One simulated SMA battery and a site file for it in `folder`, with the shipped map or a
    /// copy whose active power has the wrong sign.
    private static func site(in folder: URL, invertedSign: Bool) throws -> (SiteSimulation, String) {
        var map = shippedMap("sma-sunny-boy-storage.yaml")
        if invertedSign {
            let text = try String(contentsOfFile: map, encoding: .utf8).replacingOccurrences(
                of: "active_power: {address: 30775, encoding: int32, unit: W}",
                with: "active_power: {address: 30775, encoding: int32, unit: W, scale: -1}")
            #expect(text.contains("scale: -1"))
            map = folder.appendingPathComponent("sma-wrong-sign.yaml").path
            try text.write(toFile: map, atomically: true, encoding: .utf8)
        }
        let template = """
            site: Commissioning test
            poll_interval: 250 ms
            devices:
              - id: ess2
                map: \(shippedMap("sma-sunny-boy-storage.yaml"))
                uri: "127.0.0.1:1"
                unit: 3
                capacity: 9.8 kWh
                max_power: 6 kW
                simulate: true
            """
        let templateFile = folder.appendingPathComponent("template.yaml").path
        try template.write(toFile: templateFile, atomically: true, encoding: .utf8)
        let simulated = try SiteLoader.load(path: templateFile).get()
        let simulation = try SiteSimulation(site: simulated, options: .init(ports: .ephemeral))
        try simulation.start()
        simulation.startClock(tick: .milliseconds(50))
        let endpoint = try #require(simulation.endpoint(of: "ess2"))
        let file = folder.appendingPathComponent("site.yaml").path
        try template.replacingOccurrences(of: "127.0.0.1:1", with: "\(endpoint)")
            .replacingOccurrences(of: shippedMap("sma-sunny-boy-storage.yaml"), with: map)
            .write(toFile: file, atomically: true, encoding: .utf8)
        return (simulation, file)
    }

    @Test func aRightSitePassesAndAWrongSignFailsNamingDeviceAndPoint() throws {
        let folder = try temporaryFolder("commission")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (simulation, file) = try Self.site(in: folder, invertedSign: false)
        defer { simulation.stop() }
        let right = try busbar("commission", file, "--pulse", "--yes", "--pulse-duration", "3s", "--log-level", "error")
        #expect(right.status == 0, "\(right.output)\(right.errorOutput)")
        #expect(right.output.contains("**PASS**"))
        #expect(right.output.contains("| pulse FORCE_CHARGE | pass |"))
        #expect(right.output.contains("# busbar native register map") || right.output.contains("ess2.soc"))
        #expect(right.errorOutput.contains("Commissioning test: pass"))

        let wrongFolder = try temporaryFolder("commission-wrong")
        defer { try? FileManager.default.removeItem(at: wrongFolder) }
        let (wrongSimulation, wrongFile) = try Self.site(in: wrongFolder, invertedSign: true)
        defer { wrongSimulation.stop() }
        let report = wrongFolder.appendingPathComponent("report.json").path
        let wrong = try busbar(
            "commission", wrongFile, "--pulse", "--yes", "--pulse-duration", "3s", "--format", "json", "--output",
            report, "--log-level", "error")
        #expect(wrong.status == 1)
        #expect(wrong.output.isEmpty)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(json?["verdict"] as? String == "fail")
        let device = try #require((json?["devices"] as? [[String: Any]])?.first)
        #expect(device["id"] as? String == "ess2")
        let failed = (device["checks"] as? [[String: Any]] ?? []).filter { $0["verdict"] as? String == "fail" }
        #expect(failed.count == 2)
        #expect(failed.allSatisfy { $0["point"] as? String == "active_power" })
    }

    @Test func pulseWithoutConfirmationMovesNothing() throws {
        let folder = try temporaryFolder("commission-confirm")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (simulation, file) = try Self.site(in: folder, invertedSign: false)
        defer { simulation.stop() }
        let result = try busbar("commission", file, "--pulse")
        #expect(result.status == 64)
        #expect(result.errorOutput.contains("confirm with --yes"))
        #expect(simulation.value(of: "power_control", in: "ess2") != 802)
        let html = try busbar("commission", file, "--format", "html")
        #expect(html.status == 0)
        #expect(html.output.hasPrefix("<!doctype html>"))
        #expect(try busbar("commission", file, "--pulse-duration", "0s").status == 64)
    }
}
