import Vocabulary

/// A command source (a master EMS, a cloud API): its priority when commands conflict, how
/// long its commands live without a refresh, and what its targets fall back to then.
public struct SourceConfig: Sendable, Hashable {
    public var id: String
    /// Higher wins.
    public var priority: Int
    public var watchdog: Duration
    /// At most one per target. Which source's fallback a target returns to: ``Site/fallbacks``.
    public var fallbacks: [SourceFallback]

    public init(id: String, priority: Int = 0, watchdog: Duration = .seconds(60), fallbacks: [SourceFallback] = []) {
        self.id = id
        self.priority = priority
        self.watchdog = watchdog
        self.fallbacks = fallbacks
    }
}
