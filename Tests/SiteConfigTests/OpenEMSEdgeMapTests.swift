import SiteConfig
import Testing
import Vocabulary

/// The `openems:` section of a device map: an OpenEMS Edge's component and the layout its
/// addresses are written for.
struct OpenEMSEdgeMapTests {
    @Test func theShippedEdgeMapNamesEss0AndTheDefaultLayoutsNatures() throws {
        let map = try DeviceMapLoader.load(path: FixturePaths.site("devices/openems-edge.yaml")).get()
        #expect(map.kind == .battery)
        #expect(
            map.openems
                == OpenEMSEdgeSpec(component: "ess0", natures: ["SymmetricEss": 600, "ManagedSymmetricEss": 700]))
        #expect(map[role: .soc]?.address == 602)
        #expect(map.point(named: "set_active_power")?.address == 706)
        #expect(map.openems?.nature(holding: 706)?.name == "ManagedSymmetricEss")
        #expect(map.openems?.nature(holding: 699)?.name == "SymmetricEss")
        #expect(OpenEMSEdgeSpec.hash("OpenEMS") == 0x6201 && OpenEMSEdgeSpec.hash("SymmetricEss") == 0x42EE)
    }

    @Test func aBrokenSectionIsReportedWithLineAndColumn() {
        let path = FixturePaths.fixture("maps/openems-broken.yaml")
        let (map, diagnostics) = DeviceMapLoader.check(path: path)
        #expect(map == nil)
        let report = diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(report.contains { $0.hasPrefix("4:3:") && $0.contains("without \"component\"") }, "\(report)")
        #expect(report.contains { $0.hasPrefix("4:53:") && $0.contains("start address") }, "\(report)")
        #expect(
            report.contains {
                $0.hasPrefix("6:3:") && $0.contains("point header") && $0.contains("before every openems nature")
            }, "\(report)")
        #expect(
            report.contains { $0.hasPrefix("7:3:") && $0.contains("point hash") && $0.contains("hash or length word") },
            "\(report)")
    }
}
