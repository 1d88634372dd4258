import Control
import DeviceIO
import Foundation
import Gateway
import GatewayState
import Logging
import Modbus
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// Model discovery on a real SunSpec device, busbar's own sunspec upstream, whose model 124
/// sits behind models 1 and 802 (at 40134, not the map's nominal 40070): one busbar's site is
/// a battery of another's.
@Suite(.serialized)
struct SunSpecDiscoveryTests {
    /// A gateway whose one device, `remote`, is the fixture's sunspec upstream read with `map`.
    func gateway(above site: ScenarioFixture, map: String, in folder: URL) throws -> Gateway {
        try """
        site: Above the demo site
        devices:
          - {id: remote, map: \(map), uri: "127.0.0.1:\(site.sunspecPort)", unit: 1, capacity: 19.8 kWh, max_power: 11 kW}
        poll_interval: 250 ms
        """.write(to: folder.appendingPathComponent("site.yaml"), atomically: true, encoding: .utf8)
        let loaded = try SiteLoader.load(path: folder.appendingPathComponent("site.yaml").path).get()
        let gateway = Gateway(
            site: loaded, logger: Logger(label: "above"),
            timeouts: .init(response: .milliseconds(300), byte: .milliseconds(100)))
        try gateway.start(upstreams: [])
        return gateway
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-sunspec-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func theWalkFindsEveryModelAndAMissingOneKeepsTheDeviceOffline() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: site.sunspecPort))
        defer { client.close() }
        let found = try SunSpecDiscovery(SunSpecChain(models: [1, 124])).walk(unit: 1, client: client)
        #expect(found.base == 40000)
        #expect(found.chain == [1, 802, 124, 203, 103])
        #expect(found.models[124] == 40134)
        #expect {
            try SunSpecDiscovery(SunSpecChain(models: [1, 122])).walk(unit: 1, client: client)
        } throws: { error in
            "\(error)".contains("SunSpec model 122 not in the device's chain (found 1, 802, 124, 203, 103)")
        }
        // A map that needs a model the device does not chain: the device answers, but never
        // comes online.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        kind: battery
        name: Needs model 122
        sunspec: {models: [1, 122]}
        points:
          soc: {address: 40079, encoding: uint16, unit: "%"}
        """.write(to: folder.appendingPathComponent("needs-122.yaml"), atomically: true, encoding: .utf8)
        let above = try gateway(above: site, map: "needs-122.yaml", in: folder)
        defer { above.stop() }
        #expect(!eventually(timeout: .seconds(1)) { above.controller.snapshot.device("remote")?.online == true })
    }

    @Test func aGatewayReadsAndSteersAModel124BatteryWhereverItsChainPutsIt() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let storage = Paths.root.appendingPathComponent("sites/devices/sunspec-storage-124.yaml").path
        let above = try gateway(above: site, map: storage, in: folder)
        defer { above.stop() }

        // The 124 map's SoC (ChaState, read 64 registers past its nominal address) is the demo's.
        #expect(eventually { above.controller.snapshot.device("remote")?.online == true })
        let soc = try #require(above.controller.snapshot.device("remote")?.value(.soc))
        let demoSoc = try #require(site.gateway.controller.snapshot.essSoc)
        #expect(abs(soc - demoSoc) <= 0.2, "\(soc) vs \(demoSoc)")
        // SET_POWER on the remote battery writes the map's model 124 recipe at the found
        // addresses; the demo's cluster follows as a command of its source sunspec.
        let command = Command.ess(.setPower(-2000), from: SourceID("local"), at: above.controller.now())
        guard case .success = above.controller.submit(command) else {
            Issue.record("the command was refused")
            return
        }
        #expect(eventually(timeout: .seconds(15)) { abs(site.essPower + 2000) < 10 })
        #expect(
            site.gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin
                == .source("sunspec"))
    }
}
