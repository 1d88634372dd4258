import DeviceIO
import Modbus
import SiteConfig

/// One point of a device map as `busbar inspect` found it on the device.
struct InspectedPoint {
    var decoded: DecodedPoint
    /// Whether the raw words differ from the previous cycle's (`--watch`).
    var changed = false

    var point: Point { decoded.point }
    var raw: [UInt16]? { decoded.raw }
    var outcome: DecodedPoint.Outcome { decoded.outcome }
    var label: String? { decoded.label }
    var failure: String? { decoded.failure }

    /// What a person reads in the table: `230.1 V`, `charging`, `C2`, `n/a`, or why it is missing.
    var shown: String { decoded.shown }
}
