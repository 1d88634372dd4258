import Control
import Foundation
import Gateway
import GatewayHTTP
import SiteConfig
import Testing
import Vocabulary

@Suite("Control request decoder")
struct ControlRequestDecoderTests {
    let decoder = ControlRequestDecoder(snapshot: SiteDouble().snapshot())
    let now = ManualClock.start

    func decode(_ json: String) -> Result<ControlRequest, ControlRequestError> {
        decoder.decode(Array(json.utf8), now: now)
    }

    func request(_ json: String) throws -> ControlRequest {
        try decode(json).get()
    }

    func problems(_ json: String) -> [ControlProblem] {
        guard case .failure(let error) = decode(json) else { return [] }
        return error.problems
    }

    @Test func noDischargeOnTheClusterBecomesAnEssModeChange() throws {
        let request = try request(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}}"#)
        #expect(request.changes == [ModeChange(target: .essCluster, mode: .ess(.noDischarge))])
        #expect(request.schedule == nil)
    }

    @Test func limitChargeCarriesItsParameter() throws {
        let request = try request(
            #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}"#)
        #expect(request.changes == [ModeChange(target: .essCluster, mode: .ess(.limitCharge(maxChargePower: 1000)))])
    }

    @Test func theGridModesTakeTheGridPowerAndTheLimits() throws {
        let setpoint = try request(#"{"activateControlModes": {"ess": {"mode": "GRID_SETPOINT", "gridPower": -2000}}}"#)
        #expect(setpoint.changes == [ModeChange(target: .essCluster, mode: .ess(.gridSetpoint(gridPower: -2000)))])
        let limit = try request(#"{"activateControlModes": {"ess": {"mode": "GRID_LIMIT", "maxImport": 20000}}}"#)
        #expect(
            limit.changes == [
                ModeChange(
                    target: .essCluster,
                    mode: .ess(.gridLimit(maxImport: 20000, maxExport: ModeParameter.powerLimit)))
            ])
        let both = try request(
            #"{"activateControlModes": {"ess": {"mode": "GRID_LIMIT", "maxImport": 20000, "maxExport": 5000}}}"#)
        #expect(both.changes.first?.mode == .ess(.gridLimit(maxImport: 20000, maxExport: 5000)))
        #expect(!problems(#"{"activateControlModes": {"ess": {"mode": "GRID_SETPOINT"}}}"#).isEmpty)
        #expect(!problems(#"{"activateControlModes": {"ess": {"mode": "GRID_LIMIT"}}}"#).isEmpty)
    }

    @Test func chargeToSocTakesItsSocAndByOrAsap() throws {
        let by = try request(
            #"{"activateControlModes": {"ess": {"mode": "CHARGE_TO_SOC", "targetSoc": 90, "by": "2026-05-01T13:00:00Z"}}}"#
        )
        #expect(
            by.changes == [
                ModeChange(
                    target: .essCluster, mode: .ess(.chargeToSoc(soc: 90, asap: false)),
                    end: .until(ManualClock.at(3600)))
            ])
        let asap = try request(
            #"{"activateControlModes": {"ess": {"mode": "CHARGE_TO_SOC", "targetSoc": 80, "asap": true}}}"#)
        #expect(asap.changes.first?.mode == .ess(.chargeToSoc(soc: 80, asap: true)))
        #expect(asap.changes.first?.end == nil)
        let both = problems(
            #"{"activateControlModes": {"ess": {"mode": "CHARGE_TO_SOC", "targetSoc": 90, "by": "2026-05-01T13:00:00Z", "until": "2026-05-01T13:00:00Z"}}}"#
        )
        #expect(both.map(\.reason) == ["give 'by' or 'until', not both"])
        #expect(
            problems(#"{"activateControlModes": {"ess": {"mode": "CHARGE_TO_SOC", "targetSoc": 101}}}"#).map(\.path)
                == [
                    "activateControlModes.ess.targetSoc"
                ])
        #expect(
            problems(#"{"activateControlModes": {"ess": {"mode": "CHARGE_TO_SOC", "targetSoc": 90, "asap": "yes"}}}"#)
                .map(
                    \.reason) == ["expected true or false, got a string"])
        // `by` is the planning mode's end only: elsewhere it is an unknown field.
        #expect(
            !problems(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "by": "2026-05-01T13:00:00Z"}}}"#)
                .isEmpty)
    }

    @Test func chargeEnergyTakesItsKilowattHoursAndByOnAChargepoint() throws {
        let planned = try request(
            #"{"activateControlModes": {"cp1": {"mode": "CHARGE_ENERGY", "targetEnergy": 12.5, "by": "2026-05-01T19:00:00Z"}}}"#
        )
        #expect(
            planned.changes == [
                ModeChange(
                    target: .device("cp1"), mode: .chargepoint(.chargeEnergy(energy: 12.5, asap: false)),
                    end: .until(ManualClock.at(7 * 3600)))
            ])
        let asap = try request(
            #"{"activateControlModes": {"evcs": {"mode": "CHARGE_ENERGY", "targetEnergy": 3, "asap": true}}}"#)
        #expect(asap.changes.first?.mode == .chargepoint(.chargeEnergy(energy: 3, asap: true)))
    }

    @Test func chargeEnergyRefusesANegativeOrAbsurdEnergyAndAByInThePast() {
        let negative = problems(#"{"activateControlModes": {"cp1": {"mode": "CHARGE_ENERGY", "targetEnergy": -1}}}"#)
        #expect(negative.map(\.path) == ["activateControlModes.cp1.targetEnergy"])
        #expect(negative.map(\.reason) == ["-1 is outside 0...1000 kWh"])
        let absurd = problems(#"{"activateControlModes": {"cp1": {"mode": "CHARGE_ENERGY", "targetEnergy": 5000}}}"#)
        #expect(absurd.map(\.reason) == ["5000 is outside 0...1000 kWh"])
        let missing = problems(#"{"activateControlModes": {"cp1": {"mode": "CHARGE_ENERGY"}}}"#)
        #expect(missing.map(\.reason) == ["mode CHARGE_ENERGY needs 'targetEnergy' (kWh, 0...1000)"])
        let past = problems(
            #"{"activateControlModes": {"cp1": {"mode": "CHARGE_ENERGY", "targetEnergy": 5, "by": "2026-05-01T11:00:00Z"}}}"#
        )
        #expect(past.map(\.path) == ["activateControlModes.cp1.by"])
        #expect(past.map(\.reason) == ["2026-05-01T11:00:00Z is not in the future (now 2026-05-01T12:00:00Z)"])
        // A battery target takes no CHARGE_ENERGY.
        #expect(!problems(#"{"activateControlModes": {"ess": {"mode": "CHARGE_ENERGY", "targetEnergy": 5}}}"#).isEmpty)
    }

    @Test func aliasesNameTheirTargets() throws {
        var decoder = decoder
        decoder.aliases = ["ess0": .essCluster, "ctrlEvseSingle0": .device("cp1")]
        let request = try decoder.decode(
            Array(
                #"{"activateControlModes": {"ess0": {"mode": "NO_DISCHARGE"}, "ctrlEvseSingle0": {"mode": "FORCE"}}}"#
                    .utf8), now: now
        ).get()
        #expect(
            Set(request.changes) == [
                ModeChange(target: .essCluster, mode: .ess(.noDischarge)),
                ModeChange(target: .device("cp1"), mode: .chargepoint(.force)),
            ])
        // An alias takes its target's modes only.
        let wrongKind = decoder.decode(Array(#"{"activateControlModes": {"ess0": {"mode": "FORCE"}}}"#.utf8), now: now)
        guard case .failure(let error) = wrongKind else {
            Issue.record("FORCE on ess0 was accepted")
            return
        }
        #expect(error.problems.map(\.path) == ["activateControlModes.ess0.mode"])
    }

    @Test func whileChargingAndUntilIdleAreConditions() throws {
        let conditions = try request(
            #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "while": {"charging": "any"}, "until": {"idle": {"chargepoints": ["cp1"], "for": 900}}}}}"#
        )
        #expect(
            conditions.changes == [
                ModeChange(
                    target: .essCluster, mode: .ess(.noDischarge),
                    end: .idle(IdleCondition(chargepoints: .only(["cp1"]), duration: .seconds(900))),
                    activeWhileCharging: .any)
            ])
        let listed = try request(
            #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "while": {"charging": ["cp1"]}}}}"#)
        #expect(listed.changes.first?.activeWhileCharging == .only(["cp1"]))
        let command = try #require(listed.changes.first?.command(from: "cloud", at: ManualClock().base))
        #expect(command.activeWhileCharging == ChargepointSelection.only(["cp1"]))
        #expect(command.endsWhenIdle == nil)
        #expect(
            problems(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "while": {"charging": ["bat1"]}}}}"#)
                .map(\.reason) == ["'bat1' is not a chargepoint of this site"])
        #expect(
            problems(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "while": {"raining": true}}}}"#).map(
                \.path) == ["activateControlModes.ess.while"])
        #expect(
            problems(
                #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "until": {"idle": {"chargepoints": "any"}}}}}"#
            )
            .map(\.reason) == ["missing field 'for' (seconds)"])
    }

    @Test func untilSunsetIsTheNextSunsetAtTheSitesLocation() throws {
        var decoder = decoder
        decoder.location = SiteLocation(latitude: 52.52, longitude: 13.405)
        let request = try decoder.decode(
            Array(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "until": "sunset"}}}"#.utf8), now: now
        ).get()
        // Berlin, 1 May 2026: the sun sets at about 20:36 CEST, 18:36 UTC, 6.6 hours after noon UTC.
        guard case .until(let sunset)? = request.changes.first?.end else {
            Issue.record("no end: \(request)")
            return
        }
        #expect(abs(sunset.timeIntervalSince(now) - 6.6 * 3600) < 600)
        #expect(
            problems(#"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "until": "sunrise"}}}"#).map(\.reason)
                == ["'sunrise' needs the site's location (location: in the site file)"])
    }

    @Test func nullDeactivatesTheTarget() throws {
        let request = try request(#"{"activateControlModes": {"ess": null, "bat1": null}}"#)
        #expect(
            request.changes == [
                ModeChange(target: .device("bat1"), mode: nil), ModeChange(target: .essCluster, mode: nil),
            ])
    }

    @Test func devicesAndChargepointsTakeTheirOwnModes() throws {
        let request = try request(
            #"{"activateControlModes": {"bat2": {"mode": "FORCE_CHARGE", "power": 2000}, "cp1": {"mode": "LIMIT", "current": 10}, "evcs": {"mode": "SURPLUS"}}}"#
        )
        #expect(
            request.changes == [
                ModeChange(target: .device("bat2"), mode: .ess(.forceCharge(power: 2000))),
                ModeChange(target: .device("cp1"), mode: .chargepoint(.limit(current: 10))),
                ModeChange(target: .chargepointCluster, mode: .chargepoint(.surplus)),
            ])
    }

    @Test func untilAndDurationBecomeExplicitEnds() throws {
        let request = try request(
            #"{"activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "until": "2026-05-01T13:00:00Z"}, "cp1": {"mode": "FORCE", "duration": 900}}}"#
        )
        #expect(request.changes[0].end == .duration(.seconds(900)))
        #expect(request.changes[1].end == .until(ManualClock.at(3600)))
    }

    @Test func aTopLevelDurationAppliesToModesWithoutTheirOwnEnd() throws {
        let request = try request(
            #"{"duration": 60, "activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}, "cp1": {"mode": "FORCE", "duration": 5}}}"#
        )
        #expect(request.changes.map(\.end) == [.duration(.seconds(5)), .duration(.seconds(60))])
    }

    @Test func untilWithAnOffsetIsTheSameInstant() throws {
        let request = try request(
            #"{"activateControlModes": {"ess": {"mode": "NO_CHARGE", "until": "2026-05-01T14:30:00.500+02:00"}}}"#)
        #expect(request.changes[0].end == .until(ManualClock.at(1800.5)))
    }

    @Test func emptyBodiesAndResponsesWithoutModesChangeNothing() throws {
        #expect(try request("").isEmpty)
        #expect(try request("  \n").isEmpty)
        #expect(try request("{}").isEmpty)
        #expect(try request(#"{"status": "ok", "activateControlModes": {}}"#).isEmpty)
        #expect(try request(#"{"activateControlModes": null}"#).isEmpty)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(
            #"""
            {"activateControlModes": {
                "nowhere": {"mode": "NO_DISCHARGE"},
                "ess": {"mode": "TURBO"},
                "bat1": {"mode": "LIMIT_CHARGE", "maxChargePower": -5},
                "bat2": {"mode": "LIMIT_DISCHARGE", "maxDischargePower": "lots"},
                "cp1": {"mode": "FORCE", "until": "tomorrow"},
                "evcs": {"mode": 3},
                "grid": {"mode": "ZERO"}
            }}
            """#)
        #expect(
            found.map(\.path) == [
                "activateControlModes.bat1.maxChargePower", "activateControlModes.bat2.maxDischargePower",
                "activateControlModes.cp1.until", "activateControlModes.ess.mode", "activateControlModes.evcs.mode",
                "activateControlModes.grid", "activateControlModes.nowhere",
            ])
        #expect(found.map(\.target) == ["bat1", "bat2", "cp1", "ess", "evcs", "grid", "nowhere"])
        #expect(found[0].reason.contains("outside 0...1000000000"))
        #expect(found[1].reason == "expected a number (W), got a string")
        #expect(found[2].reason.contains("not an ISO 8601 date-time"))
        #expect(found[3].reason.contains("unknown mode 'TURBO'"))
        #expect(found[5].reason.contains("meter"))
        #expect(found[6].reason.contains("unknown target 'nowhere'"))
    }

    @Test func missingParametersAndUnknownFieldsAreProblems() {
        let found = problems(
            #"{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE"}, "bat1": {"mode": "NO_DISCHARGE", "maxChargePower": 5}, "cp1": {"power": 5}}}"#
        )
        #expect(
            found.map(\.description) == [
                "activateControlModes.bat1.maxChargePower: unknown field 'maxChargePower' for mode NO_DISCHARGE",
                "activateControlModes.cp1: missing field 'mode'",
                "activateControlModes.ess: mode LIMIT_CHARGE needs 'maxChargePower' (W, 0...1000000000)",
            ])
    }

    @Test func aModeForTheWrongKindOfTargetIsAProblem() {
        let found = problems(#"{"activateControlModes": {"cp1": {"mode": "NO_DISCHARGE"}}}"#)
        #expect(found.count == 1)
        #expect(found.first?.reason.hasPrefix("unknown mode 'NO_DISCHARGE' for chargepoint target 'cp1'") == true)
    }

    @Test func badEndsAreProblems() {
        let found = problems(
            #"""
            {"activateControlModes": {
                "ess": {"mode": "NO_DISCHARGE", "until": "2026-05-01T11:00:00Z"},
                "bat1": {"mode": "NO_DISCHARGE", "duration": -1},
                "bat2": {"mode": "NO_DISCHARGE", "duration": 60, "until": "2026-05-01T13:00:00Z"},
                "cp1": {"mode": "ZERO", "duration": "60"}
            }}
            """#)
        #expect(found.count == 4)
        #expect(found.map(\.target) == ["bat1", "bat2", "cp1", "ess"])
        #expect(found[1].reason == "give 'until' or 'duration', not both")
        #expect(found[3].reason.contains("not in the future"))
    }

    @Test func invalidJSONAndNonObjectsAreRefusedAsInvalidJSON() {
        for body in ["{", "not json", "[1, 2]", "42", #"{"activateControlModes": {"ess": }"#] {
            guard case .failure(.invalidJSON) = decode(body) else {
                Issue.record("\(body) was not refused as invalid JSON")
                continue
            }
        }
    }

    @Test func wrongTypesInTheStructureAreProblems() {
        #expect(problems(#"{"activateControlModes": ["ess"]}"#).map(\.path) == ["activateControlModes"])
        #expect(
            problems(#"{"activateControlModes": {"ess": "NO_DISCHARGE"}}"#).map(\.path) == ["activateControlModes.ess"])
        #expect(problems(#"{"schedule": {"start": 1}}"#).map(\.path) == ["schedule"])
    }

    @Test func anOversizedBodyIsRefusedUnread() {
        let padding = String(repeating: " ", count: ControlRequestDecoder.defaultMaximumBodySize)
        #expect(decode("{}" + padding) == .failure(.tooLarge(limit: 1_048_576)))
    }

    @Test func aTargetNotOpenToTheSourceIsAProblem() {
        let restricted = ControlRequestDecoder(snapshot: SiteDouble().snapshot(), allowedTargets: [.essCluster])
        let result = restricted.decode(
            Array(#"{"activateControlModes": {"bat1": {"mode": "NO_DISCHARGE"}}}"#.utf8), now: now)
        guard case .failure(let error) = result else {
            Issue.record("accepted a target the source may not control")
            return
        }
        #expect(error.problems.map(\.reason) == ["target 'bat1' is not open to this source"])
    }

    @Test func scheduleSlotsAreSortedAndThoseAlreadyOverDropped() throws {
        let request = try request(
            #"""
            {"schedule": [
                {"start": "2026-05-01T12:30:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_DISCHARGE"}}},
                {"start": "2026-05-01T11:00:00Z", "duration": 900, "activateControlModes": {"ess": {"mode": "NO_CHARGE"}}},
                {"start": "2026-05-01T11:55:00Z", "duration": 900, "activateControlModes": {"ess": null}}
            ]}
            """#)
        let slots = try #require(request.schedule)
        #expect(slots.map(\.start) == [ManualClock.at(-300), ManualClock.at(1800)])
        #expect(slots[0].changes == [ModeChange(target: .essCluster, mode: nil)])
        #expect(slots[1].duration == .seconds(900))
        #expect(slots[1].end == ManualClock.at(2700))
        let schedules = ScheduleSlot.schedules(slots, from: "cloud", at: ManualClock().base)
        #expect(
            schedules == [
                Schedule(
                    source: "cloud", target: .essCluster,
                    slots: [
                        Schedule.Slot(
                            start: ManualClock.instant(1800), end: ManualClock.instant(2700), mode: .ess(.noDischarge))
                    ])
            ])
    }

    @Test func aSlotTakesAnEndInsteadOfADuration() throws {
        let request = try request(
            #"{"schedule": [{"start": "2026-05-01T12:30:00Z", "end": "2026-05-01T13:00:00Z", "activateControlModes": {"ess": {"mode": "GRID_LIMIT", "maxImport": 5000}}}]}"#
        )
        #expect(request.schedule?.first?.duration == .seconds(1800))
        #expect(
            problems(
                #"{"schedule": [{"start": "2026-05-01T12:30:00Z", "end": "2026-05-01T12:00:00Z", "activateControlModes": {}}]}"#
            )
            .map(\.path) == ["schedule[0].end"])
    }

    @Test func aBalancingScheduleSlotIsCheckedLikeAnyOther() throws {
        let found = problems(
            #"{"schedule": [{"startTimestamp": "soon", "duration": 0, "activePowerSetPoint": 2e9, "mode": "X"}]}"#)
        #expect(
            found.map(\.path) == [
                "schedule[0].mode", "schedule[0].startTimestamp", "schedule[0].duration",
                "schedule[0].activePowerSetPoint",
            ])
    }

    @Test func anEmptyScheduleClearsTheOldOne() throws {
        #expect(try request(#"{"schedule": []}"#).schedule == [])
    }

    @Test func badSlotsAreProblems() {
        let found = problems(
            #"""
            {"schedule": [
                {"start": "soon", "duration": 900, "activateControlModes": {}},
                {"start": "2026-05-01T12:30:00Z", "activateControlModes": {"ess": {"mode": "NO_DISCHARGE", "duration": 60}}},
                {"start": "2026-05-01T12:30:00Z", "duration": 900, "colour": "red"}
            ]}
            """#)
        #expect(
            found.map(\.path) == [
                "schedule[0].start", "schedule[1]", "schedule[1].activateControlModes.ess", "schedule[2].colour",
                "schedule[2]",
            ])
    }
}
