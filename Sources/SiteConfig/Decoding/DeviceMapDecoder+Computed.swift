import Vocabulary
import Yams

extension DeviceMapDecoder {
    static let computedPointKeys = ["value", "unit"]

    /// A point whose mapping gives `value:` is computed from the others instead of read.
    static func isComputed(_ node: Node) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.keys.contains { $0.string == "value" }
    }

    /// The computed points, once every register point is known (an expression may name a point
    /// declared after it). Their expressions take readable numeric points and constants, not
    /// other computed points, so the order of evaluation never matters.
    func decodeComputedPoints() {
        for (name, node) in computedNodes {
            let context = "point \"\(name.value)\""
            guard
                let reader = MappingReader(
                    node, file: file, sink: sink, context: context, expected: "a mapping with value")
            else {
                continue
            }
            for key in reader.keys where !Self.computedPointKeys.contains(key) {
                let location = reader.keyLocation(key) ?? reader.location
                if Self.pointKeys.contains(key) {
                    sink.error(
                        location,
                        "found \(key) in computed \(context), expected only value and unit (a point with value: has no registers)"
                    )
                } else {
                    sink.error(
                        location,
                        "found unknown key \"\(key)\" in computed \(context)\(Suggestion.hint(for: key, in: Self.computedPointKeys))"
                    )
                }
            }
            let unit = reader.string("unit", expected: "a unit such as W, A or %")
            if let kind, let expected = TelemetryRole(pointName: name.value, of: kind)?.unit, let unit,
                unit.value != expected
            {
                sink.error(
                    unit.location,
                    "unit: found \(unit.value) on \(kind) point \"\(name.value)\", expected \(expected) (busbar works in \(expected))"
                )
            }
            guard let valueNode = reader.node("value"),
                let value = parseExpression(valueNode, key: "value", parameters: [])
            else { continue }
            computed.append(ComputedPoint(name: name.value, value: value, unit: unit?.value))
        }
    }

    /// Reports `name` when it is a computed point where `key` needs a point with registers, and
    /// says whether it was one.
    func refuseComputed(_ name: String, at location: SourceLocation, key: String) -> Bool {
        guard let point = computedNodes.first(where: { $0.name.value == name }) else { return false }
        sink.error(
            location,
            "\(key): found computed point \"\(name)\" (line \(point.name.location.line)), expected a point with registers"
        )
        return true
    }
}
