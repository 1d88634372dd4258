import Foundation
import SiteConfig
import Testing
import Vocabulary

/// The site file's `surplus:` section.
struct SurplusDecodingTests {
    func load(_ yaml: String) throws -> Result<LoadedSite, DiagnosticList> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "busbar-surplus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let map = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sites/devices/alfen-ng9xx.yaml").path
        let path = folder.appendingPathComponent("site.yaml").path
        try yaml.replacingOccurrences(of: "MAP", with: map).write(toFile: path, atomically: true, encoding: .utf8)
        return SiteLoader.load(path: path)
    }

    @Test func delaysAreReadWithTheirUnits() throws {
        let site = try load(
            """
            site: S
            devices: [{id: evse1, map: MAP, uri: "127.0.0.1:1502"}]
            surplus: {start_delay: 30 s, stop_delay: 2 min}
            """
        ).get().site
        #expect(site.surplus == SurplusConfig(startDelay: .seconds(30), stopDelay: .seconds(120)))
    }

    @Test func missingSectionKeepsTheDefaults() throws {
        let site = try load(
            """
            site: S
            devices: [{id: evse1, map: MAP, uri: "127.0.0.1:1502"}]
            """
        ).get().site
        #expect(site.surplus == SurplusConfig())
    }

    @Test func unknownKeyAndWrongQuantityAreLocated() throws {
        let result = try load(
            """
            site: S
            devices: [{id: evse1, map: MAP, uri: "127.0.0.1:1502"}]
            surplus: {start_delay: 5 kW, stop_dealy: 1 s}
            """)
        guard case .failure(let diagnostics) = result else {
            Issue.record("a broken surplus section loaded")
            return
        }
        let messages = diagnostics.errors.map { "\($0.line):\($0.column): \($0.message)" }
        #expect(messages.count == 2)
        #expect(messages.contains { $0.hasPrefix("3:24:") && $0.contains("5 kW") })
        #expect(messages.contains { $0.hasPrefix("3:30:") && $0.contains("did you mean \"stop_delay\"") })
    }
}
