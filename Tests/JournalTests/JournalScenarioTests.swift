import Control
import Foundation
import Gateway
import GatewayState
import Journal
import Logging
import TestSupport
import Testing
import Vocabulary

/// The demo site run by a scripted scenario, with the journal recording: it shows who set each
/// mode, what was rejected and why, and what lost.
@Suite(.serialized)
struct JournalScenarioTests {
    @Test func theJournalShowsWhoSetEachMode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "busbar-journal-\(UUID().uuidString).sqlite"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let site = try ScenarioFixture()
        defer { site.stop() }
        let recorder = try JournalRecorder(journal: Journal(path: path), logger: Logger(label: "journal"))
        let controller = site.gateway.controller
        controller.observe(recorder)
        let local = SourceID(GatewaySources.local)

        // 1. The Modbus master forces a discharge on the ESS cluster (source modbus, priority 10).
        #expect(try site.setMode("site.ess", Int(EssModeKind.forceDischarge.code), parameter: 3000) == nil)
        let modeChanges = { try recorder.journal.entries(target: "ess").filter { $0.kind == .modeChange } }
        #expect(try eventually { try modeChanges().last?.mode == "FORCE_DISCHARGE" })
        // 2. The local API asks for NO_DISCHARGE (priority 5): taken, and lost to the master's.
        _ = controller.submit(.ess(.noDischarge, from: local, at: controller.now()), client: "192.0.2.7:40000")
        #expect(try eventually { try recorder.journal.entries().contains { $0.kind == .lost && $0.source == "local" } })
        // 3. A source the site does not know is rejected.
        _ = controller.submit(.ess(.noCharge, from: SourceID("intruder"), at: controller.now()))
        // 4. The master lets go: the local command takes the cluster.
        controller.release(SourceID(GatewaySources.modbus), target: nil)
        #expect(try eventually { try modeChanges().last?.mode == "NO_DISCHARGE" })

        let entries = try Journal(path: path).entries(target: "ess")
        let changes = entries.filter { $0.kind == .modeChange }.map { "\($0.mode ?? "-") by \($0.source ?? "-")" }
        #expect(changes.suffix(2) == ["FORCE_DISCHARGE by modbus", "NO_DISCHARGE by local"], "\(changes)")
        #expect(
            entries.first { $0.kind == .modeChange && $0.mode == "FORCE_DISCHARGE" }?.parameters?.contains("3000")
                == true)
        let commands = entries.filter { $0.kind == .command }
        #expect(commands.map(\.source) == ["modbus", "local", "intruder"])
        #expect(commands.map(\.outcome) == ["accepted", "accepted", "rejected"])
        // The master's write names its connection's address; the local command the client it gave.
        #expect(commands[0].client?.hasPrefix("127.0.0.1:") == true, "\(commands[0])")
        #expect(Int(commands[0].client?.split(separator: ":").last ?? "") ?? 0 > 0)
        #expect(commands[1].client == "192.0.2.7:40000")
        #expect(commands[2].client == nil)
        #expect(commands.last?.reason?.contains("unknown source 'intruder'") == true)
        let lost = try #require(entries.first { $0.kind == .lost })
        #expect(lost.source == "local" && lost.mode == "NO_DISCHARGE" && lost.reason != nil)
    }
}
