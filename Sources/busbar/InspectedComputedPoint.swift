import Modbus
import SiteConfig

/// A computed point of a device map (`value:` instead of an address) as `busbar inspect` worked
/// it out from the points it read.
struct InspectedComputedPoint {
    var point: ComputedPoint
    /// Nil while a point it needs has no value (unreadable, not available).
    var value: Double?
    /// Whether the value differs from the previous cycle's (`--watch`).
    var changed = false

    /// The value as the formatters print it: `1`, not `1.0`.
    var registerValue: RegisterValue? { value.map { .float($0) } }

    /// What a person reads in the table: `1`, `230 V`, or `n/a`.
    var shown: String {
        guard let registerValue else { return "n/a" }
        return registerValue.description + (point.unit.map { " \($0)" } ?? "")
    }

    /// Every computed point of `map`, from the points read.
    static func evaluate(_ map: DeviceMap, from points: [InspectedPoint]) -> [InspectedComputedPoint] {
        var values: [String: Double] = [:]
        for inspected in points {
            if case .value(let value) = inspected.outcome, let number = value.doubleValue {
                values[inspected.point.name] = number
            }
        }
        return map.computed.map { point in
            InspectedComputedPoint(point: point, value: point.evaluate(points: values, constants: map.constants))
        }
    }
}
