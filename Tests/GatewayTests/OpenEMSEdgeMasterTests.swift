import Control
import DeviceIO
import Foundation
import Gateway
import GatewayState
import Logging
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// busbar as the Edge-to-Edge master: an OpenEMS Edge's Modbus/TCP API as a battery
/// (sites/devices/openems-edge.yaml), found as OpenEMS's Edge2Edge finds it, against busbar's
/// own `openems` upstream over real sockets.
@Suite(.serialized)
struct OpenEMSEdgeMasterTests {
    let sink = OpenEMSRecordingSink()

    @Test func discoveryWalksTheBlocksToTheComponentAndFindsItsNaturesByHash() throws {
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let client = try OpenEMSFixture.client(server)
            let read = { (address: Int, count: Int) in
                try client.read(.holding, unit: 1, address: address, count: count)
            }
            let ess = try Edge2EdgeDiscovery(component: "ess0").natures(read: read)
            #expect(ess.map(\.start) == [520, 600, 700])
            #expect(ess.map(\.hash) == [0xB3DC, 0x42EE, 0xA3ED])
            // Past _sum, ess0 and meter0 by their lengths.
            let evcs = try Edge2EdgeDiscovery(component: "evcs0").natures(read: read)
            #expect(evcs.map(\.start) == [1080, 1160, 1360, 1460])
            #expect(evcs.map(\.length) == [80, 200, 100, 100])
            #expect(throws: Edge2EdgeDiscovery.Failure.componentNotFound("ess7", end: 1540)) {
                try Edge2EdgeDiscovery(component: "ess7").natures(read: read)
            }
            // A map written for ManagedEvcs at 700 reads SetChargePowerLimit where evcs0 has it.
            let map = DeviceMap(
                kind: .chargepoint, name: "test",
                points: [Point(name: "limit", address: 702, valueType: .uint16, access: .readWrite)],
                openems: OpenEMSEdgeSpec(component: "evcs0", natures: ["ManagedEvcs": 700]))
            #expect(try Edge2EdgeDiscovery.relocate(map, to: evcs).points[0].address == 1462)
            #expect(throws: Edge2EdgeDiscovery.Failure.natureMissing("ManagedEvcs")) {
                try Edge2EdgeDiscovery.relocate(map, to: ess)
            }
        }
    }

    @Test func aTableWithoutTheOpenEMSHashIsNotAnEdge() throws {
        #expect(throws: Edge2EdgeDiscovery.Failure.notOpenEMS(found: 0x1234)) {
            try Edge2EdgeDiscovery(component: "ess0").natures { _, count in Array(repeating: 0x1234, count: count) }
        }
    }

    /// Two gateways over real sockets: the inner one runs the demo site and serves it as an
    /// OpenEMS Edge; the outer one has a single battery, the inner site through
    /// sites/devices/openems-edge.yaml. A command to the outer gateway moves the inner site's
    /// simulated batteries.
    @Test func oneBusbarsSiteIsABatteryOfAnothers() throws {
        let inner = try ScenarioFixture(profile: .night(load: 4000))
        defer { inner.stop() }
        let mapPath = Paths.root.appendingPathComponent("sites/devices/openems-edge.yaml").path
        var outerSite = inner.loaded
        // A second "Edge" that is not one: the inner site's native profile, whose register 0
        // holds busbar's own magic. Discovery refuses it and it stays offline, never written.
        outerSite.site.devices = [
            DeviceConfig(
                id: "edge1", mapPath: mapPath, endpoint: .tcp(host: "127.0.0.1", port: inner.openemsPort), unit: 1),
            DeviceConfig(
                id: "notEdge", mapPath: mapPath, endpoint: .tcp(host: "127.0.0.1", port: inner.nativePort), unit: 1),
        ]
        outerSite.maps = [mapPath: try DeviceMapLoader.load(path: mapPath).get()]
        let outer = Gateway(
            site: outerSite, logger: Logger(label: "outer"),
            timeouts: .init(response: .milliseconds(500), byte: .milliseconds(200)))
        try outer.start(upstreams: [])
        defer { outer.stop() }
        // The outer gateway reads the inner site as one battery: its SoC, power and limits.
        #expect(eventually { outer.controller.snapshot.device("edge1")?.online == true })
        #expect(eventually { (outer.controller.snapshot.device("edge1")?.value(.activePower) ?? 0) > 2000 })
        let edge = try #require(outer.controller.snapshot.device("edge1"))
        let essSoc = try #require(inner.gateway.controller.snapshot.essSoc)
        #expect(abs((edge.value(.soc) ?? .nan) - essSoc) <= 1)
        #expect((edge.value(.allowedChargePower) ?? 0) < 0 && (edge.value(.allowedDischargePower) ?? 0) > 0)
        #expect((edge.value(.capacity) ?? 0) > 0)
        // SET_POWER(-3000) on the outer cluster: the inner batteries charge 3 kW in all, held by
        // the inner site's source openems (SetActivePowerEquals at 706, written every second).
        let source = SourceID(GatewaySources.local)
        let receipt = outer.controller.submit(
            .ess(.setPower(-3000), from: source, on: .essCluster, at: outer.controller.now()))
        #expect((try? receipt.get()) != nil, "\(receipt)")
        #expect(eventually(timeout: .seconds(15)) { abs(inner.essPower + 3000) < 150 })
        let held = inner.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command
        #expect(held?.origin == .source(SourceID(GatewaySources.openems)))
        #expect(held?.mode == .ess(.setPower(-3000)))
        #expect(outer.controller.snapshot.device("notEdge")?.online == false)
        #expect(
            inner.gateway.controller.snapshot.decision?.active.contains {
                $0.command.origin == .source(SourceID(GatewaySources.modbus))
            } == false)
        // And the outer gateway sees the power it asked for.
        #expect(eventually { abs((outer.controller.snapshot.device("edge1")?.value(.activePower) ?? 0) + 3000) < 150 })
    }
}
