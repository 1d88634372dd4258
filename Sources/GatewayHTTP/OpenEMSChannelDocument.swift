import Upstreams

/// One channel as OpenEMS's REST API (`RestHandler.handleGet`) answers for it:
/// `{"address": "_sum/GridActivePower", "type": "INTEGER", "accessMode": "RO", "text": "",
/// "unit": "W", "value": 1200}`. A write-only channel has no `value`; an unknown one `null`.
struct OpenEMSChannelDocument: Encodable, Sendable, Hashable {
    /// A channel's value in its OpenEMS type.
    enum Value: Sendable, Hashable {
        case null
        case integer(Int64)
        case boolean(Bool)
        case string(String)
    }

    var address: String
    var type: String
    var accessMode: String
    var text: String
    var unit: String
    /// `nil` for a write-only channel, which OpenEMS shows without a value.
    var value: Value?

    /// The document of `entry`, the record of `channel`, showing `shown` (the value the Modbus
    /// table renders for it).
    init(channel: OpenEMSChannel, entry: OpenEMSTable.Entry, shown: FieldValue?) {
        address = "\(entry.point.component)/\(channel.rawValue)"
        type = channel.channelType.rawValue
        unit = entry.unit
        text = ""
        switch entry.access {
        case .write, .reserved:
            accessMode = "WO"
            value = nil
            return
        case .readWrite: accessMode = "RW"
        case .read: accessMode = "RO"
        }
        value = Self.value(shown, as: channel.channelType)
    }

    /// OpenEMS's channels hold integers where the Modbus table shows floats: rounded, as
    /// OpenEMS rounds the sums it divides (`CalculateIntegerSum.DIVIDE_BY_THREE`).
    private static func value(_ shown: FieldValue?, as type: OpenEMSChannelType) -> Value {
        switch shown {
        case .number(let number) where number.isFinite && number.magnitude < 9.2e18:
            switch type {
            case .boolean: return .boolean(number != 0)
            case .string: return .string(String(number))
            case .integer, .long: return .integer(Int64(number.rounded(.toNearestOrAwayFromZero)))
            }
        case .text(let text): return .string(text)
        default: return .null
        }
    }

    private enum CodingKeys: String, CodingKey {
        case address, type, accessMode, text, unit, value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encode(type, forKey: .type)
        try container.encode(accessMode, forKey: .accessMode)
        try container.encode(text, forKey: .text)
        try container.encode(unit, forKey: .unit)
        switch value {
        case nil: break
        case .null: try container.encodeNil(forKey: .value)
        case .integer(let number): try container.encode(number, forKey: .value)
        case .boolean(let flag): try container.encode(flag, forKey: .value)
        case .string(let text): try container.encode(text, forKey: .value)
        }
    }
}
