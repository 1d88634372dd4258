import Vocabulary

/// Names a command in the status: who asked for which mode on which target. A source holds at
/// most one command per target, so this identifies it.
public struct CommandRef: Hashable, Sendable, CustomStringConvertible {
    /// Where a command comes from.
    public enum Origin: Hashable, Sendable, CustomStringConvertible {
        /// A configured source.
        case source(SourceID)
        /// The target's configured fallback, in force while no command is active on it.
        case fallback

        public var description: String {
            switch self {
            case .source(let id): id.rawValue
            case .fallback: "fallback"
            }
        }
    }

    /// Who asked.
    public var origin: Origin
    /// What it addresses.
    public var target: Target
    /// The mode as asked, with its parameter.
    public var mode: Mode

    public init(origin: Origin, target: Target, mode: Mode) {
        self.origin = origin
        self.target = target
        self.mode = mode
    }

    /// The reference to `command`.
    public init(_ command: Command) {
        self.init(origin: .source(command.source), target: command.target, mode: command.mode)
    }

    public var description: String { "\(mode) on \(target) from \(origin)" }
}
