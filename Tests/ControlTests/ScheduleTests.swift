import Control
import Testing
import Vocabulary

@Suite struct ScheduleTests {
    private let t0 = Fixture.t0

    private func slot(_ from: Int64, _ to: Int64, _ mode: EssMode) -> Schedule.Slot {
        Schedule.Slot(start: t0 + .seconds(from), end: t0 + .seconds(to), mode: .ess(mode))
    }

    private func schedule(_ slots: Schedule.Slot..., on target: Target = .essCluster) -> Schedule {
        Schedule(source: Fixture.ems, target: target, slots: slots)
    }

    private func replace(
        _ core: inout ControlCore, _ schedules: [Schedule], scope: Schedule.Scope = .allTargets, at now: ControlInstant
    ) throws -> ScheduleReceipt {
        try core.replaceSchedules(schedules, of: Fixture.ems, scope: scope, at: now).get()
    }

    @Test func eachSlotRunsFromItsStartToStrictlyBeforeItsEnd() throws {
        var core = Fixture.core()
        let plan = schedule(slot(0, 900, .noDischarge), slot(900, 1800, .setPower(-1_000)), slot(1800, 2700, .auto))
        _ = try replace(&core, [plan], at: t0 - .seconds(10))
        let site = Fixture.batteries()
        #expect(core.decide(site: site, at: t0 - .milliseconds(1)).active.isEmpty)
        #expect(core.decide(site: site, at: t0).activeCommand(for: .essCluster)?.command.mode == .ess(.noDischarge))
        let last = t0 + .milliseconds(899_999)
        #expect(core.decide(site: site, at: last).activeCommand(for: .essCluster)?.command.mode == .ess(.noDischarge))
        #expect(core.decide(site: site, at: t0 + .seconds(900)).ess.setpoint == -1_000)
        #expect(core.decide(site: site, at: t0 + .seconds(2000)).ess.setpoint == nil)
        #expect(core.decide(site: site, at: t0 + .seconds(2700)).active.isEmpty)
    }

    @Test func theNextChangeIsTheNextSlotBoundary() throws {
        var core = Fixture.core()
        _ = try replace(&core, [schedule(slot(0, 900, .noDischarge), slot(1200, 1500, .noCharge))], at: t0)
        #expect(core.nextChange(after: t0) == t0 + .seconds(900))
        #expect(core.nextChange(after: t0 + .seconds(900)) == t0 + .seconds(1200))
        #expect(core.nextChange(after: t0 + .seconds(1500)) == nil)
    }

    @Test func aSlotShowsItsTimeLeftAndTheNextSlot() throws {
        var core = Fixture.core()
        _ = try replace(&core, [schedule(slot(0, 900, .noDischarge), slot(1200, 1500, .noCharge))], at: t0)
        let decision = core.decide(site: Fixture.batteries(), at: t0 + .seconds(300))
        #expect(decision.activeCommand(for: .essCluster)?.remaining == .seconds(600))
        let status = try #require(decision.schedules.first)
        #expect(status.source == Fixture.ems && status.target == .essCluster)
        #expect(status.current == slot(0, 900, .noDischarge))
        #expect(status.next == slot(1200, 1500, .noCharge))
    }

    @Test func aNewScheduleReplacesTheSourcesOldOneWhole() throws {
        var core = Fixture.core()
        let old = [
            schedule(slot(0, 900, .noDischarge), slot(900, 1800, .noCharge)),
            Schedule(
                source: Fixture.ems, target: .chargepointCluster,
                slots: [Schedule.Slot(start: t0, end: t0 + .seconds(900), mode: .chargepoint(.minimum))]),
        ]
        _ = try replace(&core, old, at: t0)
        let receipt = try replace(&core, [schedule(slot(100, 200, .forceCharge(power: 500)))], at: t0 + .seconds(10))
        #expect(receipt.replaced == [.essCluster, .chargepointCluster])
        #expect(core.schedulesHeld == [schedule(slot(100, 200, .forceCharge(power: 500)))])
        #expect(core.decide(site: Fixture.site, at: t0 + .seconds(10)).active.isEmpty)
    }

    @Test func aProfilesScheduleReplacesOnlyItsTarget() throws {
        var core = Fixture.core()
        let cluster = schedule(slot(0, 900, .noDischarge))
        _ = try replace(&core, [cluster], at: t0)
        let device = schedule(slot(0, 900, .noCharge), on: .device("bat1"))
        _ = try replace(&core, [device], scope: .namedTargets, at: t0)
        #expect(core.schedulesHeld == [cluster, device])
    }

    @Test func anotherSourcesScheduleStaysAndPriorityDecides() throws {
        var core = Fixture.core()
        _ = try replace(&core, [schedule(slot(0, 900, .forceCharge(power: 1_000)))], at: t0)
        let local = Schedule(source: Fixture.local, target: .essCluster, slots: [slot(0, 900, .noCharge)])
        _ = try core.replaceSchedules([local], of: Fixture.local, scope: .allTargets, at: t0).get()
        let decision = core.decide(site: Fixture.batteries(), at: t0 + .seconds(1))
        #expect(decision.active.map(\.command.origin) == [.source(Fixture.local)])
        #expect(decision.lost.map(\.command.origin) == [.source(Fixture.ems)])
    }

    @Test func aGapMeansNoCommandFromTheSourceAndTheFallbackApplies() throws {
        var core = Fixture.core(fallbacks: [.essCluster: .ess(.noCharge)])
        _ = try replace(&core, [schedule(slot(0, 900, .noDischarge), slot(1800, 2700, .noDischarge))], at: t0)
        let ended = core.tick(at: t0 + .seconds(1000))
        #expect(ended.map(\.reason) == [.slotEnded])
        #expect(ended.map(\.at) == [t0 + .seconds(900)])
        let decision = core.decide(site: Fixture.batteries(), at: t0 + .seconds(1000))
        #expect(decision.activeCommand(for: .essCluster)?.command.origin == .fallback)
        #expect(core.schedulesHeld.first?.slots.count == 1)
    }

    @Test func theSourcesOwnCommandRunsOverItsScheduleUntilItEnds() throws {
        var core = Fixture.core()
        _ = try replace(&core, [schedule(slot(0, 900, .noDischarge))], at: t0)
        try core.accept(.ess(.setPower(2_000), from: Fixture.ems, at: t0, end: .after(.seconds(60))))
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .seconds(30)).ess.setpoint == 2_000)
        _ = core.tick(at: t0 + .seconds(60))
        let after = core.decide(site: Fixture.batteries(), at: t0 + .seconds(60))
        #expect(after.activeCommand(for: .essCluster)?.command.mode == .ess(.noDischarge))
    }

    @Test func slotsAlreadyOverAreDroppedAndAnEmptyScheduleClears() throws {
        var core = Fixture.core()
        let receipt = try replace(&core, [schedule(slot(-900, 0, .noCharge), slot(0, 900, .noDischarge))], at: t0)
        #expect(receipt.slots == 1 && receipt.past == 1)
        _ = try replace(&core, [], at: t0)
        #expect(core.schedulesHeld.isEmpty)
    }

    @Test func overlappingSlotsAreRefusedAndChangeNothing() throws {
        var core = Fixture.core()
        let kept = schedule(slot(0, 900, .noDischarge))
        _ = try replace(&core, [kept], at: t0)
        let bad = schedule(slot(0, 900, .noCharge), slot(600, 1200, .noDischarge))
        #expect(throws: CommandRejection.self) { try replace(&core, [bad], at: t0) }
        #expect(core.schedulesHeld == [kept])
    }

    @Test func badSlotsAreRefused() {
        var core = Fixture.core()
        let cases: [Schedule] = [
            schedule(slot(10, 10, .noCharge)),
            schedule(slot(0, 900, .limitCharge(maxChargePower: -1))),
            Schedule(
                source: Fixture.ems, target: .essCluster,
                slots: [Schedule.Slot(start: t0, end: t0 + .seconds(1), mode: .chargepoint(.zero))]),
            schedule(slot(0, 900, .noCharge), on: .device("nope")),
            Schedule(
                source: Fixture.ems, target: .essCluster,
                slots: (0..<673).map { slot(Int64($0) * 900, Int64($0 + 1) * 900, .noCharge) }),
        ]
        for bad in cases {
            #expect(throws: CommandRejection.self) { try replace(&core, [bad], at: t0) }
        }
        #expect(throws: CommandRejection.self) {
            try core.replaceSchedules([], of: "nobody", scope: .allTargets, at: t0).get()
        }
    }

    @Test func aWeekOfQuarterHoursFits() throws {
        var core = Fixture.core()
        let week = (0..<Int64(Schedule.maximumSlots)).map { slot($0 * 900, ($0 + 1) * 900, .noDischarge) }
        let receipt = try replace(&core, [Schedule(source: Fixture.ems, target: .essCluster, slots: week)], at: t0)
        #expect(receipt.slots == 672)
        #expect(core.decide(site: Fixture.batteries(), at: t0 + .seconds(7 * 86_400 - 1)).active.count == 1)
    }

    @Test func aReloadDropsTheSchedulesOfAGoneSource() throws {
        var core = Fixture.core()
        _ = try replace(&core, [schedule(slot(0, 900, .noDischarge))], at: t0)
        core.reconfigure(Fixture.configuration(sources: [Source(id: Fixture.local, priority: 20)]))
        #expect(core.schedulesHeld.isEmpty)
    }
}
