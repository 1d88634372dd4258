import Foundation
import Modbus
public import SiteConfig

/// Points as Tests/Interop/pymodbus_read_points.py takes them on its standard input (JSON):
/// where each is, how to decode it, and the scale-factor register to apply.
public func pymodbusPointSpecs(_ points: [Point]) throws -> String {
    let specs: [[String: Any]] = points.map { point in
        var spec: [String: Any] = [
            "name": point.name, "table": point.table.rawValue, "address": point.address, "count": point.count,
            "type": point.valueType.name, "word_order": point.order == .cdab ? "little" : "big",
            "scale": point.scale,
        ]
        if let register = point.scaleRegister { spec["scale_register"] = register }
        return spec
    }
    return String(decoding: try JSONSerialization.data(withJSONObject: specs), as: UTF8.self)
}
