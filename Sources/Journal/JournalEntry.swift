public import Foundation
public import GRDB

/// One line of the audit journal: a command and what became of it, a mode change, a device
/// coming or going, a reload, a start or a stop.
public struct JournalEntry: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case command
        case modeChange = "mode_change"
        case lost, device, reload, start, stop
    }

    /// The row id: ascending in the order entries were written.
    public var id: Int64?
    /// When it happened (wall clock).
    public var at: Date
    public var kind: Kind
    /// The command source (`modbus`, `local`, `cloud`, …; `fallback` for a mode no source set).
    public var source: String?
    /// Where the command came from: a master's or API client's address, a push URL's host.
    public var client: String?
    /// The target (`ess`, `evcs`, a device id), or the device of a device entry.
    public var target: String?
    /// The mode's stable name, e.g. `LIMIT_CHARGE`.
    public var mode: String?
    /// The mode's parameters and end, e.g. `maxChargePower=1000 W, for 900 s`.
    public var parameters: String?
    /// `accepted`, `rejected`, `lost`, `online`, `offline`; a reload's `applied` or `rejected`.
    public var outcome: String?
    /// Why: a rejection's or a loss's reason, what a reload changed.
    public var reason: String?

    public init(
        at: Date, kind: Kind, source: String? = nil, client: String? = nil, target: String? = nil,
        mode: String? = nil, parameters: String? = nil, outcome: String? = nil, reason: String? = nil
    ) {
        self.at = at
        self.kind = kind
        self.source = source
        self.client = client
        self.target = target
        self.mode = mode
        self.parameters = parameters
        self.outcome = outcome
        self.reason = reason
    }
}

extension JournalEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "journal"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
