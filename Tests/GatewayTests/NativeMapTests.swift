import Control
import Foundation
import Gateway
import GatewayState
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// The native register map as a table and as the document `busbar map` prints.
@Suite struct NativeMapTests {
    static let siteNames = [
        "site.ess.soc", "site.ess.activePower", "site.ess.allowedChargePower", "site.ess.allowedDischargePower",
        "site.ess.capacity", "site.grid.activePower", "site.evcs.activePower", "site.devices.online", "site.ess.mode",
        "site.ess.power", "site.ess.duration", "site.ess.activeMode", "site.ess.remaining", "site.ess.availableModes",
        "site.evcs.mode", "site.evcs.current", "site.evcs.duration", "site.pv.activePower", "site.pv.energy",
    ]
    static let batteryNames = ["online", "activePower", "soc", "mode", "power", "duration"]
    static let chargepointNames = ["online", "activePower", "mode", "current", "duration"]

    static var demoRequiredNames: [String] {
        siteNames + ["ess1", "ess2"].flatMap { id in batteryNames.map { "\(id).\($0)" } }
            + ["evse1", "evse2"].flatMap { id in chargepointNames.map { "\(id).\($0)" } } + [
                "grid.online", "grid.activePower",
            ]
    }

    static var demoPath: String { Paths.root.appendingPathComponent("sites/demo.yaml").path }

    @Test func tableHoldsEveryRequiredNameOnce() {
        let map = NativeFixture.map
        for name in Self.demoRequiredNames {
            #expect(map.register(named: name) != nil, "\(name) missing")
        }
        #expect(Set(map.registers.map(\.name)).count == map.registers.count)
    }

    @Test func modeParameterAndDurationAreContiguousAndWritable() {
        let map = NativeFixture.map
        for (mode, parameter, duration) in [
            ("site.ess.mode", "site.ess.power", "site.ess.duration"),
            ("site.evcs.mode", "site.evcs.current", "site.evcs.duration"),
            ("ess1.mode", "ess1.power", "ess1.duration"), ("evse2.mode", "evse2.current", "evse2.duration"),
        ] {
            let registers = [mode, parameter, duration].compactMap(map.register(named:))
            #expect(registers.count == 3)
            #expect(registers.allSatisfy { $0.access.isWritable })
            #expect(registers[1].address == registers[0].addresses.upperBound)
            #expect(registers[2].address == registers[1].addresses.upperBound)
        }
        #expect(map.register(named: "site.ess.power")?.encoding == "int32")
        #expect(map.register(named: "site.ess.power")?.unit == "W")
        #expect(map.register(named: "site.evcs.current")?.unit == "A")
    }

    @Test func deviceBlocksSitAtAFixedStrideAndStayInside() {
        let map = NativeFixture.map
        let kinds = map.registers.filter { $0.name.hasSuffix(".kind") }.map(\.address)
        let stride = kinds[1] - kinds[0]
        #expect(kinds == kinds.indices.map { kinds[0] + $0 * stride })
        for (position, device) in NativeFixture.devices.enumerated() {
            let block = (kinds[0] + position * stride)..<(kinds[0] + (position + 1) * stride)
            let points = map.registers.filter { $0.name.hasPrefix("\(device.id).") }
            #expect(points.allSatisfy { block.contains($0.address) && $0.addresses.upperBound <= block.upperBound })
        }
    }

    @Test func modeEnumerationsUseTheControlCoresCodes() {
        let values = NativeFixture.map.register(named: "site.ess.mode")?.values ?? []
        for kind in EssModeKind.allCases {
            #expect(values.contains(.init(kind.name, Int(kind.code))))
        }
        let evcs = NativeFixture.map.register(named: "evse1.mode")?.values ?? []
        #expect(evcs.contains(.init("LIMIT", 4)) && evcs.contains(.init("ZERO", 0)))
    }

    @Test func mapCommandListsEveryRequiredNameAsJSON() throws {
        let result = try runCommand(Paths.busbar, ["map", Self.demoPath, "--format", "json"])
        #expect(result.status == 0, "\(result.errorOutput)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let endpoints = try #require(document["endpoints"] as? [[String: Any]])
        #expect(endpoints.first?["listen"] as? String == "0.0.0.0:5020")
        #expect(endpoints.first?["unit"] as? Int == 1)
        let entries = try #require(document["registers"] as? [[String: Any]])
        let byName = Dictionary(entries.map { ($0["name"] as? String ?? "", $0) }) { first, _ in first }
        for name in Self.demoRequiredNames {
            let entry = try #require(byName[name], "\(name) missing")
            for field in ["name", "address", "count", "encoding", "access", "unit", "description"] {
                #expect(entry[field] != nil, "\(name) has no \(field)")
            }
        }
        let modes = try #require(byName["site.ess.mode"]?["values"] as? [String: Int])
        #expect(modes["NO_DISCHARGE"] == 1 && modes["SET_POWER"] == 7)
        #expect(byName["site.ess.soc"]?["values"] == nil)
        #expect(byName["ess1.power"]?["access"] as? String == "rw")
    }

    @Test func mapCommandPrintsMarkdownAndCSV() throws {
        let markdown = try runCommand(Paths.busbar, ["map", Self.demoPath])
        #expect(markdown.status == 0)
        #expect(markdown.output.contains("`0.0.0.0:5020` | 1"))
        #expect(markdown.output.contains("| 200 | `site.ess.mode` |"))
        let csv = try runCommand(Paths.busbar, ["map", Self.demoPath, "--format", "csv"])
        #expect(csv.output.hasPrefix("name,address,count,encoding,access,unit"))
        #expect(csv.output.contains("\nsite.ess.soc,100,2,float32,r,%,"))
    }

    @Test func mapCommandRefusesAnInvalidSiteWithItsProblems() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("native-map-\(UUID()).yaml")
        try "site: Broken\ndevices:\n  - id: x\n    map: nowhere.yaml\n".write(
            to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runCommand(Paths.busbar, ["map", file.path, "--format", "json"])
        #expect(result.status == 1)
        #expect(result.errorOutput.contains(file.lastPathComponent))
        #expect(result.output.isEmpty)
    }

    @Test func shippedDocumentMatchesTheTable() throws {
        let loaded = try SiteLoader.load(path: Self.demoPath).get()
        let shipped = try String(
            contentsOf: Paths.root.appendingPathComponent("docs/native-register-map.md"), encoding: .utf8)
        #expect(
            shipped == NativeMapDocument(site: loaded).markdown(),
            "regenerate: busbar map sites/demo.yaml > docs/native-register-map.md")
    }

    @Test func mapCommandDocumentsTheOpenEMSProfile() throws {
        let result = try runCommand(Paths.busbar, ["map", Self.demoPath, "--profile", "openems", "--format", "json"])
        #expect(result.status == 0, "\(result.errorOutput)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(document["profile"] as? String == "openems")
        let entries = try #require(document["registers"] as? [[String: Any]])
        let byName = Dictionary(entries.map { ($0["name"] as? String ?? "", $0) }) { first, _ in first }
        #expect(byName["_sum/GridActivePower"]?["address"] as? Int == 315)
        #expect(byName["ess0/SetActivePowerEquals"]?["address"] as? Int == 706)
        #expect(byName["ess0/SetActivePowerEquals"]?["access"] as? String == "w")
    }

    @Test func openemsDocumentHoldsTheGeneratedAddressTable() throws {
        let loaded = try SiteLoader.load(path: Self.demoPath).get()
        let shipped = try String(contentsOf: Paths.root.appendingPathComponent("docs/openems.md"), encoding: .utf8)
        #expect(
            shipped.contains(OpenEMSDocument(site: loaded).addressTable()),
            "regenerate the address table in docs/openems.md: busbar map sites/demo.yaml --profile openems")
    }
}
