import Foundation
import Journal
import Testing

/// The journal's database: entries survive a reopen, the oldest are pruned at capacity, and the
/// queries filter by time and target.
struct JournalTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("busbar-journal-\(UUID().uuidString).sqlite")
            .path
    }

    let start = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func entriesSurviveReopeningTheFile() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let journal = try Journal(path: path)
            try journal.record(JournalEntry(at: start, kind: .start))
            try journal.record(
                JournalEntry(
                    at: start + 1, kind: .command, source: "local", client: "127.0.0.1", target: "ess",
                    mode: "LIMIT_CHARGE", parameters: "maxChargePower: 1000 W", outcome: "accepted"))
        }
        let reopened = try Journal(path: path)
        let entries = try reopened.entries()
        #expect(entries.map(\.kind) == [.start, .command])
        #expect(entries[1].client == "127.0.0.1")
        #expect(entries[1].mode == "LIMIT_CHARGE")
        #expect(entries[1].at == start + 1)
    }

    @Test func theOldestEntriesArePrunedAtCapacity() throws {
        let journal = try Journal(path: nil, capacity: 5)
        for second in 0..<12 {
            try journal.record(JournalEntry(at: start + Double(second), kind: .device, target: "ess\(second)"))
        }
        #expect(try journal.count() == 5)
        #expect(try journal.entries().map(\.target) == ["ess7", "ess8", "ess9", "ess10", "ess11"])
    }

    @Test func queriesFilterByTimeAndTargetAndKeepTheNewest() throws {
        let journal = try Journal(path: nil)
        for second in 0..<10 {
            try journal.record(
                JournalEntry(
                    at: start + Double(second), kind: .device, target: second.isMultiple(of: 2) ? "ess1" : "grid"))
        }
        #expect(try journal.entries(since: start + 6).map(\.at) == [start + 6, start + 7, start + 8, start + 9])
        #expect(try journal.entries(target: "grid").count == 5)
        #expect(try journal.entries(since: start + 3, target: "ess1").map(\.at) == [start + 4, start + 6, start + 8])
        #expect(try journal.entries(limit: 2).map(\.at) == [start + 8, start + 9])
    }

    @Test func aFileThatIsNotADatabaseIsAnError() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not sqlite, just text that is long enough to be read as a header".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try Journal(path: path) }
    }
}
