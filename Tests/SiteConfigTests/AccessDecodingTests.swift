import Foundation
import Modbus
import SiteConfig
import Testing

/// An upstream's access rules, and secrets kept out of the site file, as `busbar check` reads
/// them; every mistake located.
@Suite(.serialized)
struct AccessDecodingTests {
    @Test func accessRulesTokenFileAndEnvironmentDecode() throws {
        setenv("BUSBAR_TEST_PUSH_KEY", "key-from-env", 1)
        defer { unsetenv("BUSBAR_TEST_PUSH_KEY") }
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/access.yaml")).get()
        let upstream = try #require(loaded.site.upstreams.first)
        #expect(upstream.access.allow == [NetworkRange("192.168.1.0/24")!, NetworkRange("127.0.0.1")!])
        #expect(upstream.access.defaultRole == .read)
        #expect(upstream.access.role(for: [192, 168, 1, 10]) == .write)
        #expect(upstream.access.role(for: [192, 168, 1, 11]) == .read)
        #expect(upstream.access.role(for: [10, 0, 0, 1]) == nil)
        #expect(upstream.maxConnections == 8 && upstream.idleTimeout == .seconds(30))
        #expect(loaded.site.http?.token == "s3cret-token")
        #expect(loaded.site.push?.url == "https://cloud.example/key-from-env")
    }

    @Test func anUpstreamWithoutRulesIsOpenAsBefore() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.site("demo.yaml")).get()
        #expect(loaded.site.upstreams.allSatisfy { $0.access == .open && $0.maxConnections == 32 })
    }

    @Test func everyMistakeIsLocated() {
        let report = BrokenSiteTests.report("sites/broken-access.yaml")
        let expected = [
            ("3:", "allow: found \"192.168.1.0/33\""), ("3:", "max_connections"), ("4:", "role"),
            ("4:", "idle_timeout: found"), ("5:", "without a token"), ("6:", "BUSBAR_TEST_UNSET_VARIABLE"),
        ]
        for (line, text) in expected {
            #expect(report.contains { $0.hasPrefix(line) && $0.contains(text) }, "\(line) \(text): \(report)")
        }
    }
}
