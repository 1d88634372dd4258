/// One entry of `availableControlModes`: a mode a target offers, with the largest value its
/// parameter can take on the online devices, written as the proposal does:
/// `{"mode": "LIMIT_CHARGE", "maxChargePower": 10000}`. SET_POWER's `power` is a magnitude:
/// −power…+power.
public struct ModeOffer: Codable, Sendable, Hashable {
    /// The mode's stable name.
    public var mode: String
    /// The parameter's name (`maxChargePower`, `power`, `current`), if the mode takes one.
    public var parameter: String?
    /// The parameter's largest useful value (W or A); `nil` when the devices do not tell.
    public var maximum: Double?

    public init(mode: String, parameter: String? = nil, maximum: Double? = nil) {
        self.mode = mode
        self.parameter = parameter
        self.maximum = maximum
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        mode = try container.decode(String.self, forKey: DynamicKey("mode"))
        let key = container.allKeys.first { $0.stringValue != "mode" }
        parameter = key?.stringValue
        maximum = try key.flatMap { try container.decodeIfPresent(Double.self, forKey: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(mode, forKey: DynamicKey("mode"))
        if let parameter {
            try container.encode(maximum, forKey: DynamicKey(parameter))
        }
    }
}
