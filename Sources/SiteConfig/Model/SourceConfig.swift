public import Vocabulary

/// A command source (a master EMS, a cloud API): its priority when commands conflict, how
/// long its commands live without a refresh, and the mode its devices fall back to then.
public struct SourceConfig: Sendable, Hashable {
    public var id: String
    /// Higher wins.
    public var priority: Int
    public var watchdog: Duration
    public var fallback: ModeKind

    public init(id: String, priority: Int = 0, watchdog: Duration = .seconds(60), fallback: ModeKind = .ess(.auto)) {
        self.id = id
        self.priority = priority
        self.watchdog = watchdog
        self.fallback = fallback
    }
}
