import Foundation
import TestSupport
import Testing

/// `busbar simulate` serves a SunSpec map as a whole SunSpec device, which pysunspec2's scan
/// walks (Tests/Interop/sunspec_client.py).
@Suite(.serialized)
struct SunSpecSimulationTests {
    func scan(_ file: String) throws -> [String: Any] {
        let port = freePort()
        let simulator = try Peer(
            Paths.busbar,
            ["simulate", "--map", Fixture.sitePath("devices/\(file)"), "--port", "\(port)", "--every", "0"])
        defer { simulator.stop() }
        try #require(
            simulator.waitForOutput("ready: 1 device"), "busbar simulate did not start: \(simulator.errorOutput)")
        let result = try runCommand(
            Paths.python, [Paths.script("sunspec_client.py"), "\(port)"], timeout: .seconds(60))
        #expect(result.status == 0, "\(result.errorOutput)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["error"] == nil, "\(report["error"] ?? "")")
        return report
    }

    @Test func pysunspec2ScansTheSimulatedStorageInverter() throws {
        let report = try scan("sunspec-storage-124.yaml")
        let models = report["models"] as? [[String: Any]] ?? []
        #expect(models.map { $0["id"] as? Int } == [1, 124])
        #expect(models.map { $0["address"] as? Int } == [40002, 40070])
        #expect(models.map { $0["length"] as? Int } == [66, 24])
        let common = (report["values"] as? [String: Any])?["1"] as? [String: Any] ?? [:]
        #expect(common["Mn"] as? String == "busbar simulation")
        #expect(common["Md"] as? String == "SunSpec storage (model 124)")
    }

    @Test func pysunspec2ScansTheSimulatedPVInverter() throws {
        let report = try scan("sunspec-inverter-103.yaml")
        let models = report["models"] as? [[String: Any]] ?? []
        #expect(models.map { $0["id"] as? Int } == [1, 103])
        let inverter = (report["values"] as? [String: Any])?["103"] as? [String: Any] ?? [:]
        #expect(inverter["W"] != nil)
    }
}
