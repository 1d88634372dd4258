import GatewayState
import Control
import Foundation
import Gateway
import GatewayHTTP
import Logging
import Testing

@Suite("Control session")
struct ControlSessionTests {
    let site = SiteDouble()
    let session: ControlSession

    init() {
        let site = self.site
        session = ControlSession(
            source: "cloud", sink: site, snapshot: { site.snapshot() }, logger: Logger(label: "test"),
            wallClock: { site.clock.wall })
    }

    @discardableResult
    func handle(_ json: String) -> Result<ControlOutcome, ControlRequestError> {
        session.handle(body: Array(json.utf8))
    }

    @Test func anActivationReachesTheSinkAsACommandFromTheSource() throws {
        let outcome = try handle(
            #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}"#
        ).get()
        #expect(
            site.submitted == [
                Command(
                    source: "cloud", target: .essCluster, mode: .ess(.limitCharge(maxChargePower: 1000)),
                    issuedAt: site.now())
            ])
        #expect(outcome.accepted.map(\.mode) == ["LIMIT_CHARGE"])
        #expect(outcome.accepted.first?.secondsLeft == 60)
    }

    @Test func nullReleasesWhatTheSourceHoldsOnTheTarget() throws {
        handle(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#)
        _ = try handle(#"{"activateControlModes": {"ess": null}}"#).get()
        #expect(site.calls.last == .release("cloud", .essCluster))
        #expect(site.held().isEmpty)
    }

    @Test func untilAndDurationGiveTheCommandsTheirEnds() throws {
        _ = try handle(
            #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "until": "2026-05-01T12:30:00Z"}, "cp1": {"mode": "FORCE", "duration": 120}}}"#
        ).get()
        #expect(site.submitted.map(\.end) == [.after(.seconds(120)), .at(ManualClock.instant(1800))])
    }

    @Test func anEmptyResponseKeepsTheModeUntilTheWatchdogEndsIt() throws {
        _ = try handle(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#).get()
        site.clock.advance(by: .seconds(30))
        _ = try handle("").get()
        _ = try handle(#"{"activateControlModes": {}}"#).get()
        #expect(site.held().count == 1)
        site.clock.advance(by: .seconds(31))
        #expect(site.held().isEmpty)
    }

    @Test func repeatingTheModeKeepsItAlive() throws {
        for _ in 0..<4 {
            _ = try handle(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#).get()
            site.clock.advance(by: .seconds(45))
        }
        #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
    }

    /// The command in force on `target` after the core's next decision.
    private func active(on target: Target = .essCluster) -> ActiveCommand? {
        site.snapshot().decision?.activeCommand(for: target)
    }

    @Test func aScheduleGoesToTheCoreWhichRunsEachSlotAtItsBoundary() throws {
        let outcome = try handle(
            #"""
            {"schedule": [
                {"start": "2026-05-01T12:15:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}},
                {"start": "2026-05-01T12:30:00Z", "end": "2026-05-01T12:45:00Z", "activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 500}}}
            ]}
            """#
        ).get()
        #expect(outcome.scheduledSlots == 2)
        #expect(site.schedules.map(\.slots.count) == [2])
        site.clock.advance(by: .seconds(899))
        #expect(active() == nil)
        site.clock.advance(by: .seconds(1))
        #expect(
            active()?.command == CommandRef(origin: .source("cloud"), target: .essCluster, mode: .ess(.noDischarge)))
        // The slot's end, not the watchdog, ends it: it outlives 60 s without a repeat.
        site.clock.advance(by: .seconds(600))
        #expect(active()?.command.mode == .ess(.noDischarge))
        #expect(active()?.remaining == .seconds(300))
        site.clock.advance(by: .seconds(300))
        #expect(active()?.command.mode == .ess(.limitCharge(maxChargePower: 500)))
        site.clock.advance(by: .seconds(900))
        #expect(active() == nil)
        #expect(site.schedules.isEmpty)
    }

    @Test func theSlotInForceRunsAsSoonAsTheScheduleArrives() throws {
        let outcome = try handle(
            #"{"schedule": [{"start": "2026-05-01T11:55:00Z", "duration": 900, "activateControlModes": {"evcs": {"mode": "ZERO"}}}]}"#
        ).get()
        #expect(outcome.scheduledSlots == 1)
        #expect(active(on: .chargepointCluster)?.remaining == .seconds(600))
    }

    @Test func aNewScheduleReplacesTheOldWhole() throws {
        _ = try handle(
            #"""
            {"schedule": [
                {"start": "2026-05-01T13:00:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_CHARGE"}, "evcs": {"mode": "ZERO"}}}
            ]}
            """#
        ).get()
        _ = try handle(#"{"activateControlModes": {}}"#).get()
        #expect(site.schedules.map(\.target) == [.essCluster, .chargepointCluster])
        _ = try handle(
            #"{"schedule": [{"start": "2026-05-01T13:00:00Z", "duration": 60, "activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}]}"#
        ).get()
        #expect(site.schedules.map(\.target) == [.essCluster])
        #expect(site.schedules.first?.slots.map(\.mode) == [.ess(.noDischarge)])
        _ = try handle(#"{"schedule": []}"#).get()
        #expect(site.schedules.isEmpty)
    }

    @Test func overlappingSlotsAreRefusedByTheCoreAndReported() throws {
        let outcome = try handle(
            #"""
            {"schedule": [
                {"start": "2026-05-01T13:00:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_CHARGE"}}},
                {"start": "2026-05-01T13:10:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}
            ]}
            """#
        ).get()
        #expect(outcome.rejected.map(\.path) == ["schedule"])
        #expect(outcome.rejected.first?.reason.contains("overlap") == true)
        #expect(site.schedules.isEmpty)
    }

    @Test func theBalancingScheduleFormBecomesGridSetpointSlots() throws {
        // 2026-05-01T12:15:00Z is 1777637700 s after 1970.
        _ = try handle(
            #"{"schedule": [{"startTimestamp": 1777637700, "duration": 900, "activePowerSetPoint": -1000}]}"#
        ).get()
        let slots = try #require(site.schedules.first).slots
        #expect(slots.map(\.mode) == [.ess(.gridSetpoint(gridPower: -1000))])
        #expect(slots.map(\.start) == [ManualClock.instant(900)])
        #expect(slots.map(\.end) == [ManualClock.instant(1800)])
    }

    @Test func garbageChangesNothingAndIsRememberedForTheNextReport() throws {
        handle(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#)
        site.clearCalls()
        let garbage = [
            "<html>502 Bad Gateway</html>",
            #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": "1kW"}}}"#,
            #"{"activateControlModes": {"ess": {"mode": "WARP"}}}"#,
            #"{"activateControlModes": {"ess": null, "bat1": {"mode": "LIMIT_CHARGE", "maxChargePower": 1e12}}}"#,
            #"{"schedule": [{"start": "noon", "duration": 900, "activateControlModes": {"ess": null}}]}"#,
        ]
        for body in garbage {
            guard case .failure = handle(body) else {
                Issue.record("accepted \(body)")
                continue
            }
        }
        #expect(site.calls.isEmpty)
        #expect(site.held().map(\.mode) == [.ess(.noDischarge)])
        #expect(site.schedules.isEmpty)
        let reasons = session.pendingRejections.map(\.reason)
        #expect(reasons.count == 5)
        #expect(reasons[0].hasPrefix("invalid JSON"))
        #expect(reasons[2].contains("unknown mode 'WARP'"))

        let report = session.pendingReport
        handle("[]")
        session.removeReported(report)
        #expect(
            session.pendingRejections.map(\.reason) == [
                "invalid JSON: expected an object at the top level, got an array"
            ])
    }

    @Test func onlyTheLatestRefusalsAreKept() {
        for index in 0..<(ControlSession.rejectionMemory + 5) {
            handle(#"{"activateControlModes": {"nowhere\#(index)": null}}"#)
        }
        let targets = session.pendingRejections.map(\.target)
        #expect(targets.count == ControlSession.rejectionMemory)
        #expect(targets.first == "nowhere5")
        // A report taken before the oldest were dropped still forgets only what it carried.
        let report = session.pendingReport
        handle(#"{"activateControlModes": {"late": null}}"#)
        session.removeReported(report)
        #expect(session.pendingRejections.map(\.target) == ["late"])
    }

    @Test func aCommandTheControlCoreRefusesIsRemembered() throws {
        let site = SiteDouble(sources: [Source(id: "modbus", priority: 10)])
        let session = ControlSession(
            source: "cloud", sink: site, snapshot: { site.snapshot() }, logger: Logger(label: "test"),
            wallClock: { site.clock.wall })
        let outcome = try session.handle(
            body: Array(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#.utf8)
        ).get()
        #expect(outcome.accepted.isEmpty)
        #expect(outcome.rejected.map(\.target) == ["ess"])
        #expect(session.pendingRejections.first?.reason.contains("unknown source 'cloud'") == true)
    }
}
