import Modbus
import Vocabulary
import Yams

/// Decodes and checks one device map, reporting every problem to the sink.
final class DeviceMapDecoder {
    let file: String
    let sink: DiagnosticSink

    /// Where each point was declared, for messages about it.
    var pointLocations: [String: SourceLocation] = [:]
    var points: [Point] = []
    var constants: [String: Double] = [:]
    var kind: DeviceKind?
    /// `scale_register` references, checked once every point is known: (owner, target).
    var scaleRegisters: [(String, Located<String>)] = []
    /// Points with `value:` instead of an address, decoded once every register point is known.
    var computedNodes: [(name: Located<String>, node: Node)] = []
    var computed: [ComputedPoint] = []

    static let mapKeys = [
        "kind", "name", "unit", "max_gap", "blocks", "barriers", "points", "constants", "identity", "control",
        "fallback", "simulation", "openems", "sunspec",
    ]

    init(file: String, sink: DiagnosticSink) {
        self.file = file
        self.sink = sink
    }

    func decode(_ root: Node) -> DeviceMap? {
        guard
            let map = MappingReader(
                root, file: file, sink: sink, context: "the device map",
                expected: "a mapping with kind, name and points")
        else {
            return nil
        }
        map.checkKeys(Self.mapKeys)
        kind = map.choice("kind", DeviceKind.self, required: true, what: "a device kind")?.value
        let name = map.string("name", required: true, expected: "the product name, such as \"Alfen NG9xx\"")?.value
        let unit = map.integer("unit", in: 0...255, expected: "a unit id from 0 to 255")?.value ?? 1
        let maxGap =
            map.integer(
                "max_gap", in: 0...(ModbusLimits.maxReadRegisters - 2), expected: "a number of registers from 0 to 123")?
            .value ?? 0

        constants = decodeConstants(map)
        decodePoints(map)
        decodeComputedPoints()
        checkPoints()
        let blocks = decodeBlocks(map, key: "blocks")
        let barriers = decodeBlocks(map, key: "barriers")
        checkBlocks(blocks)
        let identity = decodeIdentity(map)
        let fallback = decodeFallback(map)
        let control = decodeControl(map, fallback: fallback)
        let simulation = decodeSimulation(map)
        let openems = decodeOpenEMS(map)
        let sunspec = decodeSunSpec(map)

        guard let kind, let name, !sink.hasErrors else { return nil }
        return DeviceMap(
            kind: kind, name: name, unit: unit, maxGap: maxGap, blocks: blocks.map(\.value),
            barriers: barriers.map(\.value), points: points, constants: constants, identity: identity,
            control: control ?? DeviceControl(), fallback: fallback?.value, simulation: simulation,
            computed: computed, openems: openems, sunspec: sunspec
        )
    }

    // MARK: - Constants and identity

    private func decodeConstants(_ map: MappingReader) -> [String: Double] {
        guard let reader = map.mapping("constants", context: "constants", expected: "a mapping of names to numbers")
        else { return [:] }
        var constants: [String: Double] = [:]
        for (key, _) in reader.pairs {
            guard checkName(key, what: "constant") else { continue }
            if let value = reader.number(key.value, expected: "a number") {
                constants[key.value] = value.value
            }
        }
        return constants
    }

    private func decodeIdentity(_ map: MappingReader) -> [String] {
        guard let items = map.list("identity", expected: "a list of point names") else { return [] }
        var names: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item else {
                sink.error(item.location(in: file), "identity: found \(item.found), expected a point name")
                continue
            }
            if pointLocations[scalar.string] == nil,
                !refuseComputed(scalar.string, at: item.textLocation(in: file), key: "identity")
            {
                sink.error(
                    item.textLocation(in: file),
                    "identity: found unknown point \"\(scalar.string)\"\(pointHint(scalar.string))")
            }
            names.append(scalar.string)
        }
        return names
    }

    // MARK: - Names

    /// Point and constant names must work inside expressions and not hide mode parameters.
    func checkName(_ name: Located<String>, what: String) -> Bool {
        let text = name.value
        let isIdentifier =
            text.first.map { $0.isLetter || $0 == "_" } == true
            && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        if !isIdentifier {
            sink.error(
                name.location, "found \(what) name \"\(text)\", expected letters, digits and _ starting with a letter")
            return false
        }
        if ModeParameter.Name(rawValue: text) != nil || Expression.Function(rawValue: text) != nil
            || text == Expression.conditionName
        {
            sink.error(
                name.location,
                "found \(what) name \"\(text)\", which is reserved for a mode parameter or function; expected another name"
            )
            return false
        }
        return true
    }

    /// "; did you mean …" over the map's point names.
    func pointHint(_ name: String) -> String {
        let names = points.map(\.name)
        if let match = Suggestion.closest(to: name, in: names) { return "; did you mean \"\(match)\"?" }
        return ", expected one of the map's points"
    }
}
