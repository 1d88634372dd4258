/// A message the broker delivered on a subscribed topic.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var retained: Bool
}
