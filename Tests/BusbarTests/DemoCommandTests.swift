import Foundation
import TestSupport
import Testing

/// `busbar demo` as a newcomer runs it: from any directory, telling where its simulated devices
/// listen, and stopping cleanly.
@Suite(.serialized)
struct DemoCommandTests {
    /// The demo on free ports, started in `folder`, once it has printed what to try.
    func demo(in folder: URL) throws -> Peer {
        let arguments = [
            "demo", "--port", "\(freePort())", "--openems-port", "\(freePort())", "--http-port", "\(freePort())",
            "--status-interval", "0",
        ]
        let demo = try Peer(Paths.busbar, arguments, currentDirectory: folder)
        guard demo.waitForOutput("Try this") else {
            demo.stop()
            throw FixtureFailure("busbar demo did not start: \(demo.output)\(demo.errorOutput)")
        }
        return demo
    }

    @Test func startsFromAnyDirectoryAndStopsOnSIGTERMWithoutAnError() throws {
        let folder = try temporaryFolder("demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try demo(in: folder)
        defer { demo.stop() }
        #expect(demo.output.contains("busbar demo: native profile on"))
        demo.signal(SIGTERM)
        #expect(demo.waitForExit() == 0)
        #expect(demo.output.contains("demo stopped"))
        #expect(errorLogLines(demo.errorOutput).isEmpty, "\(demo.errorOutput)")
    }

    @Test func printsWhereEachSimulatedDeviceListensSoThatInspectReadsIt() throws {
        let folder = try temporaryFolder("demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try demo(in: folder)
        defer { demo.stop() }
        // "  device  kind  endpoint  unit  map", one row per device of sites/demo.yaml.
        let rows = demo.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let devices = Dictionary(rows.filter { $0.count == 5 }.map { ($0[0], $0) }) { first, _ in first }
        for id in ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"] {
            #expect(devices[id]?[2].hasPrefix("127.0.0.1:") == true, "\(id) in \(demo.output)")
        }
        let evse1 = try #require(devices["evse1"])
        #expect(evse1[1] == "chargepoint")
        #expect(evse1[3] == "1")
        #expect(evse1[4].hasSuffix("sites/devices/alfen-ng9xx.yaml"))
        let inspect = try busbar("inspect", evse1[2], "--map", evse1[4], "--unit", evse1[3], "--format", "json")
        #expect(inspect.status == 0, "\(inspect.errorOutput)")
        let points = try pointsByName(jsonObject(inspect.output))
        #expect(points["voltage_l1"]?["value"] as? Double == 230)
        #expect(points["plugged"]?["value"] as? Int == 1)
    }
}
