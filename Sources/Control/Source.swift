import Vocabulary

/// A configured command source: an upstream master, the local API, a schedule.
public struct Source: Hashable, Sendable {
    /// The default watchdog timeout (OpenEMS `apiTimeout`).
    public static let defaultWatchdogTimeout: Duration = .seconds(60)

    /// The source's id, as commands name it.
    public var id: SourceID
    /// Higher wins conflicts.
    public var priority: Int
    /// Commands without an explicit end expire when the source sends nothing for this long.
    public var watchdogTimeout: Duration
    /// What a target returns to when this source's command on it ended (its watchdog, its
    /// duration, a release) and no other command holds it; AUTO entries included. A target the
    /// source names none for returns to the configuration's `fallbacks`.
    public var fallbacks: [Target: Mode]

    public init(
        id: SourceID, priority: Int, watchdogTimeout: Duration = Source.defaultWatchdogTimeout,
        fallbacks: [Target: Mode] = [:]
    ) {
        self.id = id
        self.priority = priority
        self.watchdogTimeout = watchdogTimeout
        self.fallbacks = fallbacks
    }
}
