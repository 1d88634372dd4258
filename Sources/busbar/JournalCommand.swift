import ArgumentParser
import Foundation
import Journal
import Vocabulary

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Show the audit journal: commands and their outcome, mode changes, devices coming and going.",
        discussion: """
            Reads the journal that `busbar run --journal FILE` writes (by default \(Journal.defaultPath)), \
            oldest first.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "The journal's file.")
    var file = Journal.defaultPath

    @Option(help: "Only entries of the last DURATION, e.g. 1h, 15min.", transform: Interval.parse)
    var since: Duration?

    @Option(help: "Only entries about this device or target (ess, evcs, a device id).")
    var device: String?

    @Option(help: "How many of the newest entries at most.")
    var limit = 1_000

    @Option(help: "table or json.")
    var format = Format.table

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else {
            CommandFailure.printError("no journal at \(file): start busbar run with --journal \(file)")
            throw ExitCode.failure
        }
        let entries: [JournalEntry]
        do {
            let since = since.map { Date().addingTimeInterval(-$0.seconds) }
            entries = try Journal(path: file).entries(since: since, target: device, limit: limit)
        } catch {
            CommandFailure.printError("cannot read the journal \(file): \(error)")
            throw ExitCode.failure
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(try Journal.json(entries) + Data("\n".utf8))
        case .table:
            let time = ISO8601DateFormatter()
            let rows = entries.map { entry in
                [
                    time.string(from: entry.at), entry.kind.rawValue, entry.source ?? "", entry.client ?? "",
                    entry.target ?? "", entry.mode ?? "", entry.parameters ?? "", entry.outcome ?? "",
                    entry.reason ?? "",
                ]
            }
            let titles = ["time", "kind", "source", "client", "target", "mode", "parameters", "outcome", "reason"]
            print(TextTable.lines(titles: titles, rows: rows).joined(separator: "\n"))
        }
    }
}
