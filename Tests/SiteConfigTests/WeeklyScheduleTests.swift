import Foundation
import SiteConfig
import Testing
import Vocabulary

/// The site file's weekly default schedule: its slots in the site's time zone, across the
/// daylight-saving changes of Europe/Berlin in 2026 (29 March, 25 October), and every mistake
/// located.
struct WeeklyScheduleTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func utc(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }

    func slot(_ days: Set<WeeklySlot.Weekday>, _ from: Int, _ to: Int) -> WeeklySlot {
        WeeklySlot(days: days, from: from, to: to, mode: SourceFallback(.ess(.noDischarge)))
    }

    @Test func weekdayPeakShavingFollowsTheLocalClockAcrossTheSpringChange() throws {
        let weekdays = slot([.mon, .tue, .wed, .thu, .fri], 17 * 60, 20 * 60)
        let slots = weekdays.occurrences(
            from: try utc("2026-03-23T00:00:00Z"), to: try utc("2026-04-04T00:00:00Z"), in: berlin)
        #expect(slots.count == 10)
        // 17:00 CET is 16:00 UTC before the change, 17:00 CEST 15:00 UTC after it.
        let (friday, monday) = (try utc("2026-03-27T16:00:00Z"), try utc("2026-03-30T15:00:00Z"))
        #expect(slots[4].start == friday)
        #expect(slots[5].start == monday)
        #expect(slots.allSatisfy { $0.end.timeIntervalSince($0.start) == 3 * 3600 })
    }

    @Test func aWholeDayLasts23HoursInSpringAnd25InAutumn() throws {
        let sundays = slot([.sun], 0, 1440)
        let spring = sundays.occurrences(
            from: try utc("2026-03-28T12:00:00Z"), to: try utc("2026-03-30T00:00:00Z"), in: berlin)
        #expect(spring.map { $0.end.timeIntervalSince($0.start) } == [23 * 3600])
        let midnight = try utc("2026-03-28T23:00:00Z")
        #expect(spring.first?.start == midnight)
        let autumn = sundays.occurrences(
            from: try utc("2026-10-24T12:00:00Z"), to: try utc("2026-10-26T00:00:00Z"), in: berlin)
        #expect(autumn.map { $0.end.timeIntervalSince($0.start) } == [25 * 3600])
    }

    @Test func anOvernightSlotEndsTheNextMorningAcrossTheAutumnChange() throws {
        let saturdayNight = slot([.sat], 22 * 60, 6 * 60)
        let slots = saturdayNight.occurrences(
            from: try utc("2026-10-24T00:00:00Z"), to: try utc("2026-10-26T00:00:00Z"), in: berlin)
        // 22:00 CEST to 06:00 CET: nine hours.
        let (start, end) = (try utc("2026-10-24T20:00:00Z"), try utc("2026-10-25T05:00:00Z"))
        #expect(slots.map(\.start) == [start])
        #expect(slots.map(\.end) == [end])
    }

    @Test func aSkippedLocalTimeStartsTheSlotAfterTheGap() throws {
        // 02:30 does not exist on 29 March 2026 in Berlin: the clock goes from 02:00 to 03:00.
        let slots = slot([.sun], 2 * 60 + 30, 4 * 60).occurrences(
            from: try utc("2026-03-28T12:00:00Z"), to: try utc("2026-03-30T00:00:00Z"), in: berlin)
        let only = try #require(slots.first)
        let (gapEnd, halfPast, four) = (
            try utc("2026-03-29T01:00:00Z"), try utc("2026-03-29T01:30:00Z"), try utc("2026-03-29T02:00:00Z")
        )
        #expect(only.start >= gapEnd && only.start <= halfPast)
        #expect(only.end == four)
    }

    @Test func aSlotRunningIntoTheRangeFromTheDayBeforeIsIncluded() throws {
        let slots = slot([.sat], 22 * 60, 6 * 60).occurrences(
            from: try utc("2026-10-25T02:00:00Z"), to: try utc("2026-10-25T12:00:00Z"), in: berlin)
        #expect(slots.count == 1)
    }

    @Test func theSiteFileGivesEntriesInItsTimeZone() throws {
        let site = try SiteLoader.load(path: FixturePaths.fixture("sites/weekly.yaml")).get().site
        #expect(site.zone.identifier == "Europe/Berlin")
        #expect(
            site.weeklySchedule == [
                WeeklySlot(
                    days: [.mon, .tue, .wed, .thu, .fri], from: 1020, to: 1200,
                    mode: SourceFallback(.ess(.gridLimit), parameters: [.maxImport: 5000])),
                WeeklySlot(
                    days: [.sat], from: 1320, to: 360,
                    mode: SourceFallback(target: .device("ess1"), mode: .ess(.noDischarge))),
                WeeklySlot(
                    days: [.sun], from: 0, to: 1440,
                    mode: SourceFallback(
                        target: .device("evse1"), mode: .chargepoint(.limit), parameters: [.current: 10])),
                // A site file writes the energy as a quantity; the parameter is in kWh.
                WeeklySlot(
                    days: [.mon], from: 0, to: 360,
                    mode: SourceFallback(
                        target: .device("evse1"), mode: .chargepoint(.chargeEnergy), parameters: [.targetEnergy: 12.5])),
            ])
    }

    @Test func everyMistakeIsLocated() {
        let report = BrokenSiteTests.report("sites/broken-weekly.yaml")
        for (line, text) in [
            (4, "overlaps the one at line 3"), (5, "moonday"), (5, "from: found \"25:00\""),
            (6, "unknown key \"hours\""),
        ] {
            #expect(report.contains { $0.hasPrefix("\(line):") && $0.contains(text) }, "\(text): \(report)")
        }
    }
}
