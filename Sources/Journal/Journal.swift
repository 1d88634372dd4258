public import Foundation
import GRDB

/// The audit journal: an SQLite database of `JournalEntry`s that survives restarts and keeps at
/// most `capacity` entries, the oldest pruned first. Writes are serialized; any thread may write.
public final class Journal: Sendable {
    /// The newest entries kept; older ones are deleted as new ones come.
    public let capacity: Int
    private let database: DatabaseQueue

    /// Opens (or creates) the journal at `path`; `nil` keeps it in memory, for tests.
    /// - Throws: a `DatabaseError` when the file cannot be opened or is not a journal.
    public init(path: String?, capacity: Int = 100_000) throws {
        precondition(capacity > 0, "a journal keeps at least one entry")
        self.capacity = capacity
        var configuration = Configuration()
        configuration.label = "busbar journal"
        configuration.busyMode = .timeout(5)
        if let path {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } else {
            database = try DatabaseQueue(configuration: configuration)
        }
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("journal v1") { db in
            try db.create(table: JournalEntry.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .datetime).notNull().indexed()
                table.column("kind", .text).notNull()
                table.column("source", .text)
                table.column("client", .text)
                table.column("target", .text).indexed()
                table.column("mode", .text)
                table.column("parameters", .text)
                table.column("outcome", .text)
                table.column("reason", .text)
            }
        }
        return migrator
    }

    /// Appends `entry` and prunes what is beyond `capacity`.
    /// - Throws: a `DatabaseError` when the database cannot be written (a full disk).
    public func record(_ entry: JournalEntry) throws {
        try database.write { db in
            var entry = entry
            try entry.insert(db)
            if let id = entry.id, id > Int64(capacity) {
                try JournalEntry.filter(Column("id") <= id - Int64(capacity)).deleteAll(db)
            }
        }
    }

    /// The entries at or after `since` that concern `target` (a device id, `ess`, `evcs`), oldest
    /// first, at most `limit` (the newest of them).
    public func entries(since: Date? = nil, target: String? = nil, limit: Int = 1_000) throws -> [JournalEntry] {
        try database.read { db in
            var request = JournalEntry.all()
            if let since { request = request.filter(Column("at") >= since) }
            if let target { request = request.filter(Column("target") == target) }
            let newest = try request.order(Column("id").desc).limit(max(0, limit)).fetchAll(db)
            return newest.reversed()
        }
    }

    /// How many entries the journal holds.
    public func count() throws -> Int { try database.read { try JournalEntry.fetchCount($0) } }
}

extension Journal {
    /// The default place of a service's journal (systemd's `StateDirectory=busbar`).
    public static let defaultPath = "/var/lib/busbar/journal.sqlite"

    /// `entries` as the JSON array `busbar journal --format json` and `GET /api/journal` answer:
    /// ISO 8601 times, no null fields.
    public static func json(_ entries: [JournalEntry]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(entries)
    }
}
