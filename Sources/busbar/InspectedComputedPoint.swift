import DeviceIO
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

    /// Every computed point of `map`, in the map's order, as `reading` worked them out.
    static func all(of map: DeviceMap, in reading: DecodedReading) -> [InspectedComputedPoint] {
        map.computed.map { InspectedComputedPoint(point: $0, value: reading.computed[$0.name] ?? nil) }
    }
}
