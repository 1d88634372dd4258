import Foundation
import SiteConfig
import Testing

/// Sunrise and sunset against reference values, to within two minutes; and the site file's
/// `location:` and `time_zone:`.
///
/// Every expected time was checked against astral 3.2 (`astral.sun.sunrise`/`sunset`, the NOAA
/// solar equations with the sun's centre 0.833° below the horizon: the standard refraction and
/// the sun's radius, as `SiteLocation` takes it), computed for the local date in the place's
/// time zone; each value below is astral's, rounded to the minute (the seconds in the comments).
/// astral was installed for that check only: no test runs it.
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
        // 04:43 and 21:33 CEST (astral: 02:43:34 and 19:32:59 UTC).
        try expect(Self.berlin, .sunrise, on: "2024-06-21", at: "2024-06-21T02:43:00Z")
        try expect(Self.berlin, .sunset, on: "2024-06-21", at: "2024-06-21T19:33:00Z")
    }

    @Test func londonAtMidwinter() throws {
        // 08:04 and 15:53 GMT (astral: 08:04:21 and 15:53:18 UTC).
        try expect(Self.london, .sunrise, on: "2024-12-21", at: "2024-12-21T08:04:00Z")
        try expect(Self.london, .sunset, on: "2024-12-21", at: "2024-12-21T15:53:00Z")
    }

    @Test func sydneyInItsSummerAcrossTheUTCDate() throws {
        // 05:41 and 20:05 AEDT (UTC+11): the sunrise falls on the UTC day before (astral:
        // 18:41:07 and 09:05:26 UTC).
        try expect(Self.sydney, .sunrise, on: "2024-12-21", at: "2024-12-20T18:41:00Z")
        try expect(Self.sydney, .sunset, on: "2024-12-21", at: "2024-12-21T09:05:00Z")
    }

    @Test func berlinOnTheDayTheClocksGoForward() throws {
        // 29 March 2026, CET → CEST at 02:00: 06:48 and 19:35 CEST, both after the change
        // (astral: 04:48:19 and 17:35:00 UTC). The UTC times carry no jump: only the local
        // clock does.
        try expect(Self.berlin, .sunrise, on: "2026-03-29", at: "2026-03-29T04:48:00Z")
        try expect(Self.berlin, .sunset, on: "2026-03-29", at: "2026-03-29T17:35:00Z")
        // And the next sunset seen from the night before the change is that one.
        let night = try #require(utc("2026-03-28T23:30:00Z"))
        let sunset = try #require(Self.berlin.next(.sunset, after: night))
        #expect(abs(sunset.timeIntervalSince(try #require(utc("2026-03-29T17:35:00Z")))) <= 120)
    }

    @Test func singaporeNearTheEquatorAtTheEquinox() throws {
        // 1.35° N: 07:09 and 19:15 SGT (UTC+8), about twelve hours apart; the sunrise falls on
        // the UTC day before (astral: 23:09:01 on 19 March and 11:15:11 UTC).
        let singapore = SiteLocation(latitude: 1.3521, longitude: 103.8198)
        try expect(singapore, .sunrise, on: "2024-03-20", at: "2024-03-19T23:09:00Z")
        try expect(singapore, .sunset, on: "2024-03-20", at: "2024-03-20T11:15:00Z")
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
