public import Control
public import Foundation
import GatewayState
public import SiteConfig
import Vocabulary

/// The site file's weekly default schedule as the control core takes it: source `weekly`'s
/// schedules, one per target, with the slots of the week ahead in the site's time zone. The
/// controller hands them in again every day, so the plan keeps a week ahead.
public struct WeeklyPlan: Sendable, Hashable {
    /// The source the weekly schedule runs as (priority 0 unless the site file lists it).
    public static let source = SourceID(GatewaySources.weekly)
    /// How far ahead the schedules reach.
    public static let horizon: TimeInterval = 7 * 86_400
    /// When the schedules are handed in again: once less than this is left of the horizon.
    static let renewal: TimeInterval = 6 * 86_400

    /// The entries.
    public var slots: [WeeklySlot]
    /// The site's time zone.
    public var zone: TimeZone
    /// How far the schedules last handed in reach; `nil` before the first time.
    public private(set) var reach: Date?

    public init(slots: [WeeklySlot], zone: TimeZone) {
        self.slots = slots
        self.zone = zone
    }

    /// The schedules for the week from `time`, when they are due (the first time, or once a
    /// day); `nil` when the ones handed in still reach far enough.
    public mutating func renewal(at time: TimeBase) -> [Schedule]? {
        if let reach, reach.timeIntervalSince(time.wall) > Self.renewal { return nil }
        guard !slots.isEmpty || reach != nil else { return nil }
        let end = time.wall.addingTimeInterval(Self.horizon)
        reach = end
        return schedules(from: time, to: end)
    }

    /// The schedules with the slots that overlap `time…end`, by target.
    public func schedules(from time: TimeBase, to end: Date) -> [Schedule] {
        var byTarget: [Target: [Schedule.Slot]] = [:]
        for slot in slots {
            guard let mode = try? Mode(kind: slot.mode.mode, parameters: slot.mode.parameters) else { continue }
            let target = Target(slot.mode.target)
            for occurrence in slot.occurrences(from: time.wall, to: end, in: zone) {
                byTarget[target, default: []].append(
                    Schedule.Slot(
                        start: time.instant(at: occurrence.start), end: time.instant(at: occurrence.end), mode: mode))
            }
        }
        return byTarget.keys.sorted().map { target in
            Schedule(
                source: Self.source, target: target, slots: byTarget[target, default: []].sorted { $0.start < $1.start }
            )
        }
    }
}
