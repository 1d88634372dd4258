import Vocabulary

/// The identifier of a command source: an upstream master, a local API client, a schedule
/// (for example `"ems"` or `"operator"`).
public struct SourceID: StringIdentifier {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }
}
