import Foundation
import SiteConfig
import Testing

/// Sunrise and sunset against published tables (timeanddate.com, which uses the same standard
/// refraction), to within two minutes; and the site file's `location:` and `time_zone:`.
struct SiteLocationTests {
    static let berlin = SiteLocation(latitude: 52.52, longitude: 13.405)
    static let london = SiteLocation(latitude: 51.5072, longitude: -0.1276)
    static let sydney = SiteLocation(latitude: -33.8688, longitude: 151.2093)

    /// The UTC day of `date` (yyyy-MM-dd) as days since 1970.
    func day(_ date: String) throws -> Double {
        try #require(utc("\(date)T00:00:00Z")).timeIntervalSince1970 / 86_400
    }

    func utc(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

    func expect(
        _ location: SiteLocation, _ event: SiteLocation.SunEvent, on date: String, at published: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let computed = try #require(location.time(of: event, onUTCDay: try day(date)), sourceLocation: sourceLocation)
        let expected = try #require(utc(published), sourceLocation: sourceLocation)
        #expect(
            abs(computed.timeIntervalSince(expected)) <= 120, "\(event) \(date): \(computed), published \(published)",
            sourceLocation: sourceLocation)
    }

    @Test func berlinAtMidsummer() throws {
        // 04:43 and 21:33 CEST.
        try expect(Self.berlin, .sunrise, on: "2024-06-21", at: "2024-06-21T02:43:00Z")
        try expect(Self.berlin, .sunset, on: "2024-06-21", at: "2024-06-21T19:33:00Z")
    }

    @Test func londonAtMidwinter() throws {
        // 08:04 and 15:53 GMT.
        try expect(Self.london, .sunrise, on: "2024-12-21", at: "2024-12-21T08:04:00Z")
        try expect(Self.london, .sunset, on: "2024-12-21", at: "2024-12-21T15:53:00Z")
    }

    @Test func sydneyInItsSummerAcrossTheUTCDate() throws {
        // 05:41 and 20:05 AEDT (UTC+11): the sunrise falls on the UTC day before.
        try expect(Self.sydney, .sunrise, on: "2024-12-21", at: "2024-12-20T18:41:00Z")
        try expect(Self.sydney, .sunset, on: "2024-12-21", at: "2024-12-21T09:05:00Z")
    }

    @Test func theNextEventFollowsTheInstantAndThePolarNightHasNone() throws {
        let evening = try #require(utc("2024-06-21T20:00:00Z"))
        let sunrise = try #require(Self.berlin.next(.sunrise, after: evening))
        #expect(sunrise > evening && sunrise.timeIntervalSince(evening) < 86_400)
        let sunset = try #require(Self.berlin.next(.sunset, after: evening))
        #expect(sunset.timeIntervalSince(evening) > 22 * 3600)
        let tromso = SiteLocation(latitude: 69.65, longitude: 18.96)
        let midwinter = try day("2024-12-21")
        let noon = try #require(utc("2024-12-21T12:00:00Z"))
        #expect(tromso.time(of: .sunrise, onUTCDay: midwinter) == nil)
        #expect(tromso.next(.sunset, after: noon) == nil)
    }

    @Test func theSiteFileGivesLocationAndTimeZone() throws {
        let site = try SiteLoader.load(path: FixturePaths.fixture("sites/aliases.yaml")).get().site
        #expect(site.location == SiteLocation(latitude: 52.52, longitude: 13.405))
        #expect(site.timeZone?.identifier == "Europe/Berlin")
        let report = BrokenSiteTests.report("sites/broken-aliases.yaml")
        #expect(
            report.contains {
                $0.hasPrefix("3:") && $0.contains("latitude: found 95.0, expected degrees from -90 to 90")
            }, "\(report)")
        #expect(
            report.contains { $0.hasPrefix("4:12:") && $0.contains("time_zone: found \"Mars/Olympus\"") }, "\(report)")
    }
}
