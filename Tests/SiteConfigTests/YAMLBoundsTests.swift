import Foundation
import SiteConfig
import Testing

/// Site files and device maps are bounded before they are composed: a file's size, and the nodes
/// its aliases expand to, so that a small file cannot hang `busbar check` or a reload.
struct YAMLBoundsTests {
    /// `line:column: message` of each diagnostic.
    static func report(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
    }

    static let aliasError =
        "found aliases that expand to more than 100000 nodes, expected at most 100000 nodes from aliases in one file "
        + "(each alias repeats its anchored block)"

    @Test func billionLaughsMapOfNineLevelsIsRejectedWhereItsAliasesPassTheBound() {
        let path = FixturePaths.fixture("maps/billion-laughs.yaml")
        let (map, diagnostics) = DeviceMapLoader.check(path: path)
        #expect(map == nil)
        #expect(diagnostics.map(\.file) == [path])
        // lol1 to lol4 add 15 678 nodes; lol4 expands to 13 942, so in lol5's list (line 8) the
        // seventh alias, at column 56, is the one that passes 100 000.
        #expect(Self.report(diagnostics) == ["8:56: \(Self.aliasError)"])
    }

    @Test func billionLaughsSiteOfTwentyLevelsIsRejectedWhereItsAliasesPassTheBound() {
        let path = FixturePaths.fixture("sites/billion-laughs.yaml")
        let (site, diagnostics) = SiteLoader.check(path: path)
        #expect(site == nil)
        #expect(diagnostics.map(\.file) == [path])
        #expect(Self.report(diagnostics) == ["8:56: \(Self.aliasError)"])
    }

    /// Yams hashes mapping keys to find duplicates while it composes; keys that hold aliases
    /// would be hashed expanded, so the bound has to hold before composing.
    @Test func aliasesInsideMappingKeysAreCountedBeforeTheFileIsComposed() {
        let (map, diagnostics) = DeviceMapLoader.check(path: FixturePaths.fixture("maps/laughing-keys.yaml"))
        #expect(map == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == Self.aliasError)
        #expect(diagnostics.first?.line == 8)
    }

    @Test func mapWithAFewAliasesLoadsAsIfWrittenOut() throws {
        let (map, diagnostics) = DeviceMapLoader.check(path: FixturePaths.fixture("maps/aliased-battery.yaml"))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(map)
        #expect(loaded.points.count == 4)
    }

    @Test func fileOverFourMebibytesIsRejectedBeforeItIsParsed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-large-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Valid YAML all the way: only the size is wrong.
        let line = "# " + String(repeating: "x", count: 1021) + "\n"
        let text = "kind: battery\n" + String(repeating: line, count: 4 * 1024 + 1)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (map, diagnostics) = DeviceMapLoader.check(path: path)
        #expect(map == nil)
        #expect(
            Self.report(diagnostics) == [
                "1:1: found a file of more than 4 MiB, expected a site file or device map of at most 4 MiB"
            ])
        // Text handed over directly is held to the same bound.
        let decoded = DeviceMapLoader.decode(yaml: text, file: "large.yaml")
        #expect(decoded.map == nil && Self.report(decoded.diagnostics) == Self.report(diagnostics))
    }

    @Test func fileOfJustUnderFourMebibytesIsRead() throws {
        let line = "# " + String(repeating: "x", count: 1021) + "\n"
        let text = "kind: battery\nname: Large\n" + String(repeating: line, count: 4 * 1024 - 1)
        let decoded = DeviceMapLoader.decode(yaml: text, file: "large.yaml")
        #expect(!Self.report(decoded.diagnostics).contains { $0.contains("MiB") })
    }
}
