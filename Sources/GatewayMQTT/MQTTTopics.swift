/// The topics of a site under its prefix (`busbar/demo-site`).
public struct MQTTTopics: Sendable, Hashable {
    public var prefix: String

    public init(prefix: String) { self.prefix = prefix }

    /// `online` while busbar is connected, `offline` (its last will) when it is gone. Retained.
    public var availability: String { "\(prefix)/availability" }
    /// The local API's `/api/status` document. Retained.
    public var status: String { "\(prefix)/status" }
    /// The local API's `/api/current-data` document (the push document). Retained.
    public var currentData: String { "\(prefix)/current-data" }
    /// One device's state: online, age, values and identity. Retained.
    public func device(_ id: String) -> String { "\(prefix)/device/\(id)" }
    /// Commands in the local API's schema (`POST /api/control-modes`), as source `mqtt`.
    public var command: String { "\(prefix)/command" }
    /// What each command did: the local API's answer, or its error. Not retained.
    public var commandResult: String { "\(prefix)/command/result" }
}
