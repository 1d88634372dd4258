import Control
import Foundation
import Gateway
import GatewayState
import Simulation
import TestSupport
import Testing
import Upstreams

/// Issue 5's "done when": a test master replays an OpenEMS master Edge's Edge2Edge sequence
/// against the gateway's OpenEMS profile on the demo site; the simulated batteries follow
/// SetActivePowerEquals and are released when the writes stop.
@Suite(.serialized)
struct OpenEMSDemoSiteTests {
    @Test func edge2EdgeMasterControlsTheClusterAndReleasesItOnTimeout() throws {
        let site = try ScenarioFixture(watchdog: .seconds(3))
        defer { site.stop() }
        let master = try Peer(
            Paths.python,
            [
                Paths.script("openems_edge2edge.py"), "\(site.openemsPort)", "--power", "-3000", "--cycles", "6",
                "--interval", "1",
            ])
        defer { master.stop() }
        // The cluster follows the master's set-point while it keeps writing...
        #expect(eventually { abs(site.essPower + 3000) < 5 })
        #expect(
            site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin
                == .source("openems"))
        #expect(master.waitForExit() == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(master.output.utf8)) as? [String: Any], "\(master.errorOutput)")
        #expect((report["component"] as? [String: Any])?["id"] as? String == "ess0")
        // ...and is released once the writes stop for the apiTimeout.
        #expect(eventually { site.simulation.reading(of: "ess2")?.externallyControlled == false })
        #expect(
            eventually {
                site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin
                    != .source("openems")
            })
    }
}
