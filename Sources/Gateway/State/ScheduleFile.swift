public import Control
public import Foundation
import Vocabulary

/// The schedules with explicit times, kept in a small JSON file so that they survive a restart.
/// Times are stored on the wall clock (the control core's clock starts anew with the process);
/// the file is replaced atomically (written beside and renamed), so a crash leaves the old
/// file or the new one, never half of one. Watchdog-bound commands are never stored.
public struct ScheduleFile: Sendable, Hashable {
    /// Where the file lives.
    public var path: String

    public init(path: String) {
        self.path = path
    }

    private struct Document: Codable {
        var version = 1
        var schedules: [Entry]
    }

    private struct Entry: Codable {
        var source: String
        var target: String
        var slots: [Slot]
    }

    private struct Slot: Codable {
        var start: Date
        var end: Date
        var mode: String
        var parameters: [String: Double]
    }

    /// Writes `schedules`, whose instants `time` turns into wall-clock times.
    public func save(_ schedules: [Schedule], at time: TimeBase) throws {
        let toDate = time.date(at:)
        let document = Document(
            schedules: schedules.map { schedule in
                Entry(
                    source: schedule.source.rawValue, target: schedule.target.apiKey,
                    slots: schedule.slots.map { slot in
                        Slot(
                            start: toDate(slot.start), end: toDate(slot.end), mode: slot.mode.kind.name,
                            parameters: Dictionary(
                                uniqueKeysWithValues: slot.mode.parameterValues.map { ($0.key.rawValue, $0.value) }))
                    })
            })
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(document).write(to: url, options: .atomic)
    }

    /// The schedules in the file, their wall-clock times turned into instants by `time`; none
    /// when there is no file yet.
    /// - Throws: when the file cannot be read or is not a schedule file.
    public func load(at time: TimeBase) throws -> [Schedule] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let document = try decoder.decode(Document.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let toInstant = time.instant(at:)
        return try document.schedules.map { entry in
            let slots = try entry.slots.map { slot in
                guard let kind = ModeKind(rawValue: slot.mode) else { throw Damaged(path: path, what: slot.mode) }
                var parameters: [ModeParameter.Name: Double] = [:]
                for (name, value) in slot.parameters {
                    guard let parameter = ModeParameter.Name(rawValue: name) else {
                        throw Damaged(path: path, what: name)
                    }
                    parameters[parameter] = value
                }
                return Schedule.Slot(
                    start: toInstant(slot.start), end: toInstant(slot.end),
                    mode: try Mode(kind: kind, parameters: parameters))
            }
            return Schedule(source: SourceID(entry.source), target: Target(apiKey: entry.target), slots: slots)
        }
    }

    /// A schedule file that names an unknown mode or parameter.
    public struct Damaged: Error, CustomStringConvertible {
        public var path: String
        public var what: String
        public var description: String { "\(path): unknown mode or parameter '\(what)'" }
    }
}
