public import Foundation
public import Vocabulary

/// One entry of the site file's `weekly_schedule:`: a mode on a target on some days of the week
/// between two local times of the site's time zone, e.g. peak shaving on weekdays 17:00–20:00.
/// It runs as a schedule of source `weekly`, one slot per day, so its times follow the site's
/// clock across daylight-saving changes.
public struct WeeklySlot: Sendable, Hashable {
    /// A day of the week, as the site file names it.
    public enum Weekday: String, Sendable, Hashable, CaseIterable, Comparable {
        case mon, tue, wed, thu, fri, sat, sun

        /// Foundation's weekday number (Sunday = 1).
        var calendarWeekday: Int { self == .sun ? 1 : (Self.allCases.firstIndex(of: self) ?? 0) + 2 }

        public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// A slot on one day: from its start to its end, wall-clock instants.
    public struct Occurrence: Sendable, Hashable {
        public var start: Date
        public var end: Date
        /// The entry it comes from.
        public var slot: WeeklySlot
    }

    /// The days it runs on (the day it starts, when it runs past midnight).
    public var days: Set<Weekday>
    /// Minutes after local midnight it starts (0–1439).
    public var from: Int
    /// Minutes after local midnight it ends (1–1440); at or before `from`: the next day.
    public var to: Int
    /// The target, mode and parameters, written as a fallback entry is.
    public var mode: SourceFallback

    public init(days: Set<Weekday>, from: Int, to: Int, mode: SourceFallback) {
        self.days = days
        self.from = from
        self.to = to
        self.mode = mode
    }

    /// Its occurrences that overlap `start..<end`, in `zone`, by start. A local time the clock
    /// skips (the spring change) starts or ends the slot at the first instant after the gap.
    public func occurrences(from start: Date, to end: Date, in zone: TimeZone) -> [Occurrence] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var occurrences: [Occurrence] = []
        // From the day before, for a slot that runs past midnight into the range.
        var day = calendar.startOfDay(for: start.addingTimeInterval(-86_400))
        while day < end {
            let next = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
            let afterNext = calendar.date(byAdding: .day, value: 1, to: next) ?? next.addingTimeInterval(86_400)
            let (endDay, endNext) = to > from ? (day, next) : (next, afterNext)
            if days.contains(where: { $0.calendarWeekday == calendar.component(.weekday, from: day) }),
                let begin = Self.time(from, on: day, next: next, calendar),
                let finish = Self.time(to, on: endDay, next: endNext, calendar),
                finish > start, begin < end, begin < finish
            {
                occurrences.append(Occurrence(start: begin, end: finish, slot: self))
            }
            day = next
        }
        return occurrences
    }

    /// `minutes` after the local midnight `day` (whose next midnight is `next`).
    private static func time(_ minutes: Int, on day: Date, next: Date, _ calendar: Calendar) -> Date? {
        guard minutes < 1440 else { return next }
        return calendar.date(
            bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day,
            matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
    }
}
