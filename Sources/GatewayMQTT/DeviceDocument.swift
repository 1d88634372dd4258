public import Gateway
public import GatewayState
import Vocabulary

/// One device as the MQTT bridge publishes it: what Home Assistant's sensors read their values
/// from (`value_json.values.soc`).
public struct DeviceDocument: Encodable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var online: Bool
    /// Busbar's units and signs, by point name; computed points included.
    public var values: [String: Double]
    public var identity: [String: String]

    public init(_ status: DeviceStatus) {
        id = status.id
        kind = status.kind.rawValue
        online = status.online
        values = status.values.filter { $0.value.isFinite }
        identity = status.identity
    }
}
