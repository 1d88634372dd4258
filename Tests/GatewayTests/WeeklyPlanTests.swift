import Control
import Foundation
import Gateway
import GatewayState
import SiteConfig
import Testing
import Vocabulary

/// The weekly default schedule as the controller hands it to the control core: a week ahead,
/// again each day, as source `weekly`.
struct WeeklyPlanTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// Friday 27 March 2026, 12:00 UTC, two days before the spring change.
    let friday = TimeBase(wall: Date(timeIntervalSince1970: 1_774_612_800), control: .seconds(1_000))

    var plan: WeeklyPlan {
        WeeklyPlan(
            slots: [
                WeeklySlot(
                    days: [.mon, .tue, .wed, .thu, .fri], from: 17 * 60, to: 20 * 60,
                    mode: SourceFallback(.ess(.gridLimit), parameters: [.maxImport: 5000]))
            ], zone: berlin)
    }

    @Test func aWeekOfSlotsGoesToTheCoreAndIsRenewedDaily() throws {
        var plan = plan
        let renewed = plan.renewal(at: friday)
        let schedules = try #require(renewed)
        #expect(schedules.map(\.target) == [Target.essCluster])
        #expect(schedules.map(\.source) == [WeeklyPlan.source])
        // Friday, then Monday to Thursday after the change: five slots, each of three hours.
        let slots = schedules[0].slots
        #expect(slots.count == 5)
        // 17:00 CET is 16:00 UTC; Monday 17:00 CEST is 15:00 UTC.
        let (fridayStart, mondayStart): (Int64, Int64) = (1_000 + 4 * 3600, 1_000 + 3 * 86_400 + 3 * 3600)
        #expect(slots[0].start == ControlInstant.seconds(fridayStart))
        #expect(slots[1].start == ControlInstant.seconds(mondayStart))
        #expect(slots.allSatisfy { $0.start.duration(to: $0.end) == .seconds(3 * 3600) })
        let peakShaving = Mode.ess(.gridLimit(maxImport: 5000, maxExport: ModeParameter.powerLimit))
        #expect(slots.allSatisfy { $0.mode == peakShaving })
        // Not again within the day; again after it.
        let later = TimeBase(wall: friday.wall.addingTimeInterval(3600), control: friday.control + .seconds(3600))
        let again = plan.renewal(at: later)
        #expect(again == nil)
        let nextDay = TimeBase(
            wall: friday.wall.addingTimeInterval(86_401), control: friday.control + .seconds(86_401))
        let nextRenewal = plan.renewal(at: nextDay)
        #expect(nextRenewal?.first?.slots.count == 5)

        var core = ControlCore(
            configuration: ControlConfiguration(
                sources: [Source(id: WeeklyPlan.source, priority: 0)], devices: ["ess1": .battery]))
        let receipt = try core.replaceSchedules(
            schedules, of: WeeklyPlan.source, scope: .allTargets, at: friday.control
        ).get()
        #expect(receipt.slots == 5)
        #expect(core.scheduleStatus(at: friday.control).first?.next == slots[0])
    }

    @Test func anEmptyPlanHandsInNothing() {
        var plan = WeeklyPlan(slots: [], zone: berlin)
        let renewed = plan.renewal(at: friday)
        #expect(renewed == nil)
    }
}
