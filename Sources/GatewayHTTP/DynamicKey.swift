/// A coding key spelled at run time: mode parameters are keys named after the parameter
/// (`{"mode": "LIMIT_CHARGE", "maxChargePower": 1000}`), as in the clever-PV proposal.
struct DynamicKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
