import Control
import Foundation
import Gateway
import GatewayState
import TestSupport
import Testing

/// pysunspec2, the SunSpec reference client, against the sunspec upstream of the demo site
/// (Tests/Interop/sunspec_client.py): its scan finds the model chain, it reads what the native
/// profile reads, and its write of model 124 moves the simulated batteries.
@Suite(.serialized)
struct SunSpecInteropTests {
    func client(_ port: Int, write: String? = nil) throws -> [String: Any] {
        let arguments = [Paths.script("sunspec_client.py"), "\(port)"] + (write.map { ["--write", $0] } ?? [])
        let result = try runCommand(Paths.python, arguments, timeout: .seconds(60))
        #expect(result.status == 0, "\(result.errorOutput)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["error"] == nil, "\(report["error"] ?? "")")
        return report
    }

    func values(_ report: [String: Any], _ model: Int) -> [String: Any] {
        (report["values"] as? [String: Any])?["\(model)"] as? [String: Any] ?? [:]
    }

    @Test func pysunspec2ScansTheSiteReadsItAsTheNativeProfileDoesAndSteersTheBatteries() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let scan = try client(site.sunspecPort)
        let models = scan["models"] as? [[String: Any]] ?? []
        #expect(models.map { $0["id"] as? Int } == [1, 802, 124, 203, 103])
        #expect(models.map { $0["address"] as? Int } == [40002, 40070, 40134, 40160, 40267])
        #expect(values(scan, 1)["Mn"] as? String == "busbar")
        #expect(values(scan, 1)["SN"] as? String == "Demo site")
        #expect(values(scan, 124)["StorCtl_Mod"] as? Int == 0)

        // Charge and discharge rates of +30 % and −30 % of WChaMax (11 kW) pin the cluster at
        // 3300 W of charging, with a revert timeout of 60 s.
        let write = #"{"124": {"StorCtl_Mod": 3, "OutWRte": -30, "InWRte": 30, "InOutWRte_RvrtTms": 60}}"#
        let written = try client(site.sunspecPort, write: write)
        #expect(written["written"] as? Bool == true)
        #expect(values(written, 124)["InWRte"] as? Double == 30)
        #expect(eventually { abs(site.essPower + 3300) < 10 })
        #expect(
            site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin
                == .source("sunspec"))

        // With the cluster held, SunSpec's SoC and power read what the native profile reads.
        let nativeBefore = try site.master([
            site.readOperation("site.ess.soc"), site.readOperation("site.ess.activePower"),
        ])
        let held = try client(site.sunspecPort)
        let nativeAfter = try site.master([
            site.readOperation("site.ess.soc"), site.readOperation("site.ess.activePower"),
        ])
        let socs = [nativeBefore[0], nativeAfter[0]].compactMap { $0["value"] as? Double }
        let powers = [nativeBefore[1], nativeAfter[1]].compactMap { $0["value"] as? Int }
        let soc = try #require(values(held, 802)["SoC"] as? Double)
        let power = try #require(values(held, 802)["W"] as? Int)
        #expect(socs.count == 2 && soc >= socs.min()! - 0.1 && soc <= socs.max()! + 0.1, "\(soc) vs \(socs)")
        #expect(powers.count == 2 && power >= powers.min()! - 1 && power <= powers.max()! + 1, "\(power) vs \(powers)")
        #expect(values(held, 124)["ChaSt"] as? Int == 4)
    }
}
