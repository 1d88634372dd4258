public import Modbus
public import SiteConfig

/// A device's map applied to what a read brought back: every point decoded (scale factors and
/// "not available" sentinels applied), and the map's computed points worked out from them.
public struct DecodedReading: Sendable {
    /// The points read or failed, in the order the map declares them; points the read did not
    /// reach (a poll's refused block) are missing.
    public var points: [DecodedPoint]
    /// The map's computed points, by name; nil while a point they need has no value.
    public var computed: [String: Double?]
    /// Requests the read took.
    public var requests: Int

    /// Decodes `read` with `map`.
    public init(_ read: DeviceRead, map: DeviceMap) {
        var decoded: [String: DecodedPoint] = [:]
        func decode(_ point: Point) -> DecodedPoint? {
            if let done = decoded[point.name] { return done }
            let result: DecodedPoint
            if let words = read.words[point.name] {
                let scaleFactor = point.scaleRegister.flatMap(map.point(named:)).flatMap(decode)
                if point.scaleRegister != nil, scaleFactor == nil {
                    result = DecodedPoint(point: point, raw: words, outcome: .notAvailable)  // its SF was not read
                } else {
                    result = DecodedPoint.decode(point, words: words, scaleFactor: scaleFactor)
                }
            } else if let error = read.failures[point.name] {
                result = DecodedPoint(point: point, raw: nil, outcome: .unreadable(error, scaleFactor: nil))
            } else {
                return nil
            }
            decoded[point.name] = result
            return result
        }
        points = map.points.compactMap(decode)
        var numbers: [String: Double] = [:]
        for point in points { if let number = point.number { numbers[point.point.name] = number } }
        computed = Dictionary(
            uniqueKeysWithValues: map.computed.map { ($0.name, $0.evaluate(points: numbers, constants: map.constants)) }
        )
        requests = read.requests
    }

    /// Every numeric value, computed points included, by point name: what the gateway's
    /// telemetry holds.
    public var values: [String: Double] {
        var values: [String: Double] = [:]
        for point in points { if let number = point.number { values[point.point.name] = number } }
        for case (let name, let value?) in computed { values[name] = value }
        return values
    }

    /// The text points (model, serial number, firmware), by point name.
    public var identity: [String: String] {
        var identity: [String: String] = [:]
        for point in points {
            if case .value(.string(let text)) = point.outcome { identity[point.point.name] = text }
        }
        return identity
    }

    /// The point named `name`, if the read reached it.
    public func point(_ name: String) -> DecodedPoint? { points.first { $0.point.name == name } }
}
