import Control
import Foundation
import Gateway
import GatewayState
import TestSupport
import Testing
import Vocabulary

/// The native profile's schedule table against the demo site: a pymodbus master writes slots
/// one FC16 each, and they take effect only when it commits them with the next generation.
@Suite(.serialized)
struct NativeScheduleTests {
    /// One FC16 staging slot `index`: from `start` (Unix s) for `duration` s, `mode` with `parameter`,
    /// on the master connection `session`.
    func slot(
        _ site: ScenarioFixture, _ index: Int, start: Int, duration: Int, mode: EssModeKind, parameter: Int = 0,
        session: Int = 0
    ) throws -> [String: Any] {
        [
            "port": site.nativePort, "unit": 1, "op": "write", "session": session,
            "address": try site.address("schedule.slotIndex"),
            "items": [
                ["uint16", index], ["uint32", start], ["uint32", duration], ["uint16", Int(mode.code)],
                ["int32", parameter],
            ],
        ]
    }

    /// One FC16 of target, slot count and commit, on the master connection `session`.
    func commit(_ site: ScenarioFixture, slots: Int, generation: Int, session: Int = 0) throws -> [String: Any] {
        [
            "port": site.nativePort, "unit": 1, "op": "write", "session": session,
            "address": try site.address("schedule.target"),
            "items": [["uint16", 0], ["uint16", slots], ["uint16", generation]],
        ]
    }

    var schedules: (ScenarioFixture) -> [ScheduleStatus] {
        { $0.gateway.controller.snapshot.decision?.schedules ?? [] }
    }

    @Test func slotsWrittenOneByOneTakeEffectOnlyWhenCommitted() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let now = Int(Date().timeIntervalSince1970)
        // The staged slots belong to the master's connection: one session writes and commits.
        let results = try site.master([
            try slot(site, 0, start: now - 5, duration: 600, mode: .noDischarge),
            try slot(site, 1, start: now + 595, duration: 600, mode: .gridSetpoint, parameter: -1000),
            // A commit with any generation but the next is refused and changes nothing.
            try commit(site, slots: 2, generation: 7),
            try commit(site, slots: 2, generation: 1),
            try site.readOperation("schedule.commit"),
            // The staged slots went with the commit: committing again needs slots written anew.
            try commit(site, slots: 2, generation: 2),
        ])
        #expect(results[0]["exception"] == nil && results[1]["exception"] == nil, "\(results)")
        #expect(results[2]["exception"] as? Int == 3)
        #expect(results[3]["exception"] == nil, "\(results)")
        #expect(results[4]["value"] as? Int == 1)
        #expect(results[5]["exception"] as? Int == 3)
        #expect(eventually { schedules(site).first?.slotsLeft == 2 })
        #expect(schedules(site).first?.current?.mode == .ess(.noDischarge))
        #expect(schedules(site).first?.next?.mode == .ess(.gridSetpoint(gridPower: -1000)))
        #expect(try eventually { try site.read("site.ess.activeMode") as? Int == Int(EssModeKind.noDischarge.code) })
    }

    /// Two masters (two pymodbus connections) write slots at the same time, interleaved, one for
    /// the batteries and one for the chargepoints: each commit takes only the slots its own
    /// connection staged (with one table for both, the second master's slot 0 would overwrite the
    /// first's, and its commit would clear the first's staging).
    @Test func twoMastersInterleavingSlotWritesEachCommitOnlyTheirOwn() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        let now = Int(Date().timeIntervalSince1970)
        var limit = try slot(site, 0, start: now - 5, duration: 900, mode: .auto, session: 2)
        limit["items"] = [
            ["uint16", 0], ["uint32", now - 5], ["uint32", 900], ["uint16", Int(ChargepointModeKind.limit.code)],
            ["int32", 10],
        ]
        var chargepoints = try commit(site, slots: 1, generation: 1, session: 2)
        chargepoints["items"] = [["uint16", 1], ["uint16", 1], ["uint16", 1]]
        let results = try site.master([
            try slot(site, 0, start: now - 5, duration: 600, mode: .noDischarge, session: 1),
            limit,
            try slot(site, 1, start: now + 595, duration: 600, mode: .gridSetpoint, parameter: -1000, session: 1),
            chargepoints,
            try commit(site, slots: 2, generation: 2, session: 1),
            // The second master's table was cleared by its commit: committing it again is refused.
            try commit(site, slots: 1, generation: 3, session: 2),
        ])
        #expect(results.prefix(5).allSatisfy { $0["exception"] == nil }, "\(results)")
        #expect(results[5]["exception"] as? Int == 3, "\(results)")
        let ess = { schedules(site).first { $0.target == .essCluster } }
        let evcs = { schedules(site).first { $0.target == .chargepointCluster } }
        #expect(eventually { ess()?.slotsLeft == 2 && evcs()?.slotsLeft == 1 })
        #expect(ess()?.current?.mode == .ess(.noDischarge))
        #expect(ess()?.next?.mode == .ess(.gridSetpoint(gridPower: -1000)))
        #expect(evcs()?.current?.mode == .chargepoint(.limit(current: 10)))
    }
}
