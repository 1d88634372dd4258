import Control
import Foundation
import Gateway
import GatewayState
import Modbus
import TestSupport
import Testing
import Upstreams

/// A master that replays OpenEMS Edge2Edge's discovery and control with pymodbus
/// (Tests/Interop/openems_edge2edge.py) against the profile over a real socket.
@Suite(.serialized) struct OpenEMSEdge2EdgeTests {
    let sink = OpenEMSRecordingSink()

    func runMaster(_ arguments: [String]) throws -> [String: Any] {
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let result = try runCommand(
                Paths.python, [Paths.script("openems_edge2edge.py"), String(server.port)] + arguments,
                timeout: .seconds(60))
            #expect(result.status == 0, "\(result.errorOutput)")
            let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
            return json as? [String: Any] ?? [:]
        }
    }

    @Test func edge2EdgeEssDiscoversEss0AndItsSetPointsDriveTheCluster() throws {
        let report = try runMaster(["--component", "ess0", "--power", "-3000", "--reactive", "0", "--cycles", "3"])
        #expect(report["fault"] == nil)
        #expect(report["hash"] as? Int == 0x6201)
        #expect(report["meta_length"] as? Int == 199)
        let walked = report["walked"] as? [[String: Any]] ?? []
        #expect(walked.map { $0["id"] as? String } == ["_sum"])
        #expect(walked.first?["length"] as? Int == 300)
        let component = report["component"] as? [String: Any] ?? [:]
        #expect(component["address"] as? Int == 500)
        #expect(component["length"] as? Int == 280)
        let natures = component["natures"] as? [[String: Any]] ?? []
        #expect(natures.map { $0["name"] as? String } == ["OpenemsComponent", "SymmetricEss", "ManagedSymmetricEss"])
        #expect(natures.map { $0["address"] as? Int } == [520, 600, 700])
        let addresses = report["addresses"] as? [String: Int] ?? [:]
        #expect(addresses["Soc"] == 602)
        #expect(addresses["AllowedChargePower"] == 702)
        #expect(addresses["SetActivePowerEquals"] == 706)
        #expect((report["groups"] as? [[Int]]) == [[522, 98], [702, 4]])
        #expect((report["group_errors"] as? [Any])?.isEmpty == true)
        let cycles = report["cycles"] as? [[String: Any]] ?? []
        #expect(cycles.count == 3)
        #expect(cycles.first?["Soc"] as? Int == 50)
        #expect(cycles.first?["ActivePower"] as? Double == 1500)
        #expect(cycles.first?["AllowedChargePower"] as? Double == -11_000)
        #expect(cycles.first?["AllowedDischargePower"] as? Double == 11_000)
        #expect(cycles.first?["MaxApparentPower"] as? Double == 11_000)
        let writes = report["writes"] as? [[String: Any]] ?? []
        #expect(writes.count == 3 && writes.allSatisfy { $0["ok"] as? Bool == true && $0["address"] as? Int == 706 })
        #expect(sink.commands.map(\.mode) == Array(repeating: .ess(.setPower(-3000)), count: 3))
        #expect(sink.commands.allSatisfy { $0.source == SourceID("openems") && $0.target == .essCluster })
    }

    @Test func edge2EdgeMeterFindsMeter0AndItsActivePower() throws {
        let report = try runMaster(["--component", "meter0", "--kind", "meter", "--cycles", "1"])
        #expect(report["fault"] == nil)
        let component = report["component"] as? [String: Any] ?? [:]
        #expect(component["address"] as? Int == 780)
        #expect((report["addresses"] as? [String: Int])?["ActivePower"] == 888)
        // The meter's first FC3 task is exactly 126 registers long (802..927).
        #expect((report["groups"] as? [[Int]])?.first == [802, 126])
        #expect((report["group_errors"] as? [Any])?.isEmpty == true)
        #expect(sink.commands.isEmpty)
    }
}
