import Foundation
import Gateway
import Logging
import Modbus
import SiteConfig
import TestSupport
import Testing
import Upstreams

/// An upstream's `writable:` groups: the registers of the named groups of its profile's table
/// take writes, others get 0x02 before the profile sees them, and `busbar check` locates a name
/// the profile does not have.
@Suite(.serialized)
struct WritableGroupsTests {
    func demo() throws -> LoadedSite {
        try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
    }

    @Test func theNamedGroupsOpenTheirRegistersAndNothingElse() throws {
        var site = try demo()
        let here = SourceLocation(file: "demo.yaml", line: 1, column: 1)
        site.site.upstreams[0].writable = [.init("site.control", location: here)]
        let map = NativeRegisterMap(site: site)
        let upstream = SiteProfiles.applyingWritable(site.site.upstreams[0], of: site)
        let heartbeat = try #require(map.table.field(named: "site.heartbeat"))
        let deviceField = try #require(map.table.fields.first { $0.group == "ess1" && $0.access.isWritable })
        let writable = try #require(upstream.access.writable)
        #expect(writable.contains { $0.contains(heartbeat.address) })
        #expect(!writable.contains { $0.contains(deviceField.address) })
        // Without `writable:` every register stays open to the profile's own rules.
        #expect(SiteProfiles.applyingWritable(site.site.upstreams[1], of: site).access.writable == nil)
    }

    @Test func aWriteToAnotherGroupIsRefusedAtTheListenerAndCounted() throws {
        var site = try demo()
        let here = SourceLocation(file: "demo.yaml", line: 1, column: 1)
        site.site.upstreams[0].writable = [.init("site.control", location: here)]
        let gateway = Gateway(site: site, logger: Logger(label: "writable"))
        try gateway.listen(
            upstreams: gateway.upstreamHandlers(listen: [.native: ("127.0.0.1", 0), .openems: ("127.0.0.1", 0)]))
        defer { gateway.stop() }
        let map = NativeRegisterMap(site: site)
        let heartbeat = try #require(map.table.field(named: "site.heartbeat"))
        let deviceField = try #require(map.table.fields.first { $0.group == "ess1" && $0.access.isWritable })
        let master = try RawConnection(port: gateway.upstreamPorts[0])
        let write = { (address: Int) in
            RawConnection.frame(pdu: [0x06, UInt8(address >> 8), UInt8(address & 0xFF), 0, 1])
        }
        master.send(write(heartbeat.address))
        #expect(master.receive()?.count == 12)
        master.send(write(deviceField.address))
        #expect(master.receive().map { Array($0.suffix(2)) } == [0x86, 0x02])
        #expect(gateway.upstreamStatistics[0].statistics.refusedWrites == 1)
    }

    @Test func aGroupTheProfileDoesNotHaveIsLocatedWithTheValidNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "busbar-writable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let map = Paths.root.appendingPathComponent("sites/devices/victron-gx-ess.yaml").path
        let path = folder.appendingPathComponent("site.yaml").path
        try """
        site: Writable
        upstream:
          - {profile: native, listen: "127.0.0.1:5020", writable: [site.control, ess1, esss1]}
          - {profile: openems, listen: "127.0.0.1:5021", writable: [site.control]}
        devices:
          - {id: ess1, map: \(map), uri: "127.0.0.1:1502", unit: 100}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let site = try SiteLoader.load(path: path).get()
        let problems = SiteProfiles.writableProblems(for: site)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.line == 3 && problems.first?.column == 80)
        #expect(problems.first?.message.contains("found \"esss1\"") == true)
        #expect(problems.first?.message.contains("site.control, schedule, ess1") == true)
        #expect(problems.last?.line == 4 && problems.last?.message.contains("openems profile") == true)
    }
}
