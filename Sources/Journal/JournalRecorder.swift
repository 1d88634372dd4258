import Control
public import Foundation
public import Gateway
public import Logging
import Synchronization
import Vocabulary

/// Writes what the gateway tells it into the journal, with the wall clock's time. A journal
/// that cannot be written (a full disk) loses the entry and logs so once a minute; the gateway
/// goes on.
public final class JournalRecorder: GatewayObserver {
    public let journal: Journal
    private let logger: Logger
    private let wallClock: @Sendable () -> Date
    private let lastFailure = LockedDate()

    public init(journal: Journal, logger: Logger, wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.journal = journal
        self.logger = logger
        self.wallClock = wallClock
    }

    public func gateway(_ event: GatewayEvent) { record(Self.entry(for: event, at: wallClock())) }

    /// Records a lifecycle entry: `start`, `stop`, or a `reload` with its outcome and what changed.
    public func lifecycle(_ kind: JournalEntry.Kind, outcome: String? = nil, reason: String? = nil) {
        record(JournalEntry(at: wallClock(), kind: kind, outcome: outcome, reason: reason))
    }

    private func record(_ entry: JournalEntry) {
        do { try journal.record(entry) } catch {
            let now = wallClock()
            if lastFailure.replace(ifOlderThan: 60, now: now) {
                logger.error("journal entry lost", metadata: ["error": "\(error)", "journal.kind": "\(entry.kind)"])
            }
        }
    }

    /// The journal's line for `event`.
    static func entry(for event: GatewayEvent, at: Date) -> JournalEntry {
        switch event {
        case .command(let command, let rejection, let client):
            return JournalEntry(
                at: at, kind: .command, source: command.source.rawValue, client: client,
                target: command.target.description,
                mode: command.mode.kind.rawValue, parameters: parameters(command.mode, end: command.end),
                outcome: rejection == nil ? "accepted" : "rejected", reason: rejection?.description)
        case .modeChanged(let target, let mode, let origin, let remaining):
            return JournalEntry(
                at: at, kind: .modeChange, source: origin.description, target: target.description,
                mode: mode?.kind.rawValue ?? "fallback",
                parameters: mode.flatMap { parameters($0, end: remaining.map(Command.End.after)) })
        case .commandLost(let lost):
            return JournalEntry(
                at: at, kind: .lost, source: lost.command.origin.description, target: lost.command.target.description,
                mode: lost.command.mode.kind.rawValue, parameters: parameters(lost.command.mode, end: nil),
                outcome: "lost", reason: "\(lost.reason) (on \(lost.scope))")
        case .device(let id, let online):
            return JournalEntry(at: at, kind: .device, target: id, outcome: online ? "online" : "offline")
        }
    }

    /// `maxChargePower: 1000 W, for 900 s`: the mode's parameters and the command's end.
    static func parameters(_ mode: Mode, end: Command.End?) -> String? {
        var parts = mode.kind.describeParameters(mode.parameterValues)
        switch end {
        case .after(let duration): parts.append("for \(Int(duration.seconds.rounded())) s")
        case .at(let instant): parts.append("until \(instant)")
        case nil: break
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

/// The time of the last logged failure, so that a failing journal logs once a minute.
private final class LockedDate: Sendable {
    private let last = Mutex<Date?>(nil)

    /// Sets the time to `now` and returns true when none was set or it is older than `seconds`.
    func replace(ifOlderThan seconds: TimeInterval, now: Date) -> Bool {
        last.withLock { last in
            if let last, now.timeIntervalSince(last) < seconds { return false }
            last = now
            return true
        }
    }
}
