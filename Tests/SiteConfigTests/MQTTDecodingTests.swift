import Foundation
import SiteConfig
import Testing

/// The `mqtt:` section as `busbar check` reads it: defaults, a password from a file, and every
/// mistake located.
struct MQTTDecodingTests {
    @Test func aBrokerWithUserAndPasswordFileDecodes() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/mqtt.yaml")).get()
        let mqtt = try #require(loaded.site.mqtt)
        #expect(mqtt.host == "broker.example" && mqtt.port == 1884 && !mqtt.tls)
        #expect(mqtt.username == "busbar")
        #expect(mqtt.password == "s3cret-token")
        #expect(mqtt.topicPrefix == "busbar/mqtt_site")
        #expect(mqtt.interval == .seconds(10))
        #expect(mqtt.discoveryPrefix == "ha")
    }

    @Test func noSectionNoBroker() throws {
        #expect(try SiteLoader.load(path: FixturePaths.site("demo.yaml")).get().site.mqtt == nil)
    }

    @Test func everyMistakeIsLocated() {
        let report = BrokenSiteTests.report("sites/broken-mqtt.yaml")
        for text in [
            "without tls: {ca: …}", "topic_prefix: found \"busbar/#\"", "password without a username",
            "interval: found", "discovery: found \"\"",
        ] {
            #expect(report.contains { $0.hasPrefix("2:") && $0.contains(text) }, "\(text): \(report)")
        }
        let url = BrokenSiteTests.report("sites/broken-mqtt-url.yaml")
        #expect(url.contains { $0.hasPrefix("2:") && $0.contains("expected mqtt://HOST:PORT") }, "\(url)")
    }
}
