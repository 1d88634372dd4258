import Modbus
import Vocabulary
import Yams

extension DeviceMapDecoder {
    static let batterySimulationKeys = [
        "active", "power", "charge_limit", "discharge_limit", "grid_target", "soc_min", "soc_max", "response_time",
        "ramp_rate",
    ]
    static let chargepointSimulationKeys = ["current", "enabled", "phases", "status"]
    static let pvSimulationKeys = ["limit"]
    static let commonSimulationKeys = ["initial", "telemetry", "update_interval"]

    /// The `simulation:` section: expressions over the device's points that say what its control
    /// registers mean, initial values, and telemetry the simulator computes.
    func decodeSimulation(_ map: MappingReader) -> SimulationSpec? {
        guard
            let reader = map.mapping(
                "simulation", context: "simulation",
                expected: "a mapping such as {power: power_setpoint, active: \"power_control == 802\"}")
        else {
            return nil
        }
        let own: [String] =
            switch kind {
            case .battery: Self.batterySimulationKeys
            case .chargepoint: Self.chargepointSimulationKeys
            case .pv: Self.pvSimulationKeys
            case .meter, nil: []
            }
        let others = (Self.batterySimulationKeys + Self.chargepointSimulationKeys + Self.pvSimulationKeys).filter {
            !own.contains($0)
        }
        for (key, _) in reader.pairs where others.contains(key.value) {
            let kindName = kind.map { "a \($0) map" } ?? "this map"
            sink.error(
                key.location,
                "found \(key.value) in the simulation of \(kindName), expected one of \((own + Self.commonSimulationKeys).joined(separator: ", "))"
            )
        }
        reader.checkKeys(own + Self.commonSimulationKeys + others)

        func expression(_ key: String) -> Expression? {
            guard own.contains(key), let node = reader.node(key) else { return nil }
            return parseExpression(node, key: key, parameters: [], writeOnlyPoints: true)
        }
        var spec = SimulationSpec(
            active: expression("active"), power: expression("power"), chargeLimit: expression("charge_limit"),
            dischargeLimit: expression("discharge_limit"), gridTarget: expression("grid_target"),
            socMin: expression("soc_min"), socMax: expression("soc_max"), current: expression("current"),
            enabled: expression("enabled"), phases: expression("phases"), limit: expression("limit")
        )
        if kind == .battery {
            if let time = reader.quantity("response_time", .duration) {
                if time.value < 0 {
                    sink.error(
                        time.location,
                        "response_time: found \(Quantity.format(time.value)) s, expected 0 s (at once) or more")
                } else {
                    spec.responseTime = .milliseconds(Int64((time.value * 1000).rounded()))
                }
            }
            if let ramp = reader.quantity("ramp_rate", .power) {
                if ramp.value <= 0 {
                    sink.error(
                        ramp.location,
                        "ramp_rate: found \(Quantity.format(ramp.value)) W, expected a power above 0 W (the most the power changes per second)"
                    )
                } else {
                    spec.rampRate = ramp.value
                }
            }
        }
        spec.updateInterval = reader.duration("update_interval")?.value
        if spec.active != nil, spec.power == nil, let location = reader.keyLocation("active") {
            sink.error(
                location,
                "found active without power in simulation, expected power: the set-point the battery follows while active"
            )
        }
        if kind == .chargepoint { spec.status = decodeStatus(reader) }
        spec.initial = decodeInitial(reader)
        spec.telemetry = decodeTelemetry(reader)
        return spec
    }

    private func decodeStatus(_ reader: MappingReader) -> [ChargeState: PresetValue] {
        guard
            let status = reader.mapping(
                "status", context: "status",
                expected: "a mapping of car states (unplugged, connected, charging, finished) to raw values")
        else {
            return [:]
        }
        guard let point = points.first(where: { $0.name == "status" }) else {
            sink.error(
                status.location,
                "status: found status values in a map without a status point, expected a point named status")
            return [:]
        }
        status.checkKeys(ChargeState.allCases.map(\.rawValue))
        var result: [ChargeState: PresetValue] = [:]
        for (key, node) in status.pairs {
            guard let state = ChargeState(rawValue: key.value), let value = presetValue(node, for: point, key: "status")
            else { continue }
            result[state] = value
        }
        return result
    }

    private func decodeInitial(_ reader: MappingReader) -> [String: PresetValue] {
        guard
            let initial = reader.mapping("initial", context: "initial", expected: "a mapping of point names to values")
        else { return [:] }
        var result: [String: PresetValue] = [:]
        for (key, node) in initial.pairs {
            guard let point = knownPoint(key, section: "initial") else { continue }
            if let value = presetValue(node, for: point, key: "initial") { result[point.name] = value }
        }
        return result
    }

    private func decodeTelemetry(_ reader: MappingReader) -> [String: Expression] {
        guard
            let telemetry = reader.mapping(
                "telemetry", context: "telemetry", expected: "a mapping of read-only point names to expressions")
        else {
            return [:]
        }
        if let clash = points.first(where: { SimulationSpec.variables.contains($0.name) }),
            let location = pointLocations[clash.name]
        {
            sink.error(
                location,
                "found point \"\(clash.name)\" in a map whose simulation computes telemetry, expected another name (\(clash.name) is a simulator variable)"
            )
        }
        var result: [String: Expression] = [:]
        for (key, node) in telemetry.pairs {
            guard let point = knownPoint(key, section: "telemetry") else { continue }
            if point.access.isWritable {
                sink.error(
                    key.location,
                    "telemetry: found writable point \"\(point.name)\", expected a read-only point (writable points keep what the master writes)"
                )
                continue
            }
            if point.valueType.isString {
                sink.error(key.location, "telemetry: found text point \"\(point.name)\", expected a numeric point")
                continue
            }
            if let expression = parseExpression(
                node, key: point.name, parameters: [], variables: SimulationSpec.variables, writeOnlyPoints: true)
            {
                result[point.name] = expression
            }
        }
        return result
    }

    private func knownPoint(_ name: Located<String>, section: String) -> Point? {
        if let point = points.first(where: { $0.name == name.value }) { return point }
        if pointLocations[name.value] == nil, !refuseComputed(name.value, at: name.location, key: section) {
            sink.error(name.location, "\(section): found unknown point \"\(name.value)\"\(pointHint(name.value))")
        }
        return nil
    }

    /// A number (in engineering units) for a numeric point, text for a string point; checked
    /// against the point's registers.
    private func presetValue(_ node: Node, for point: Point, key: String) -> PresetValue? {
        guard case .scalar(let scalar) = node else {
            sink.error(
                node.location(in: file),
                "\(key): found \(node.found) for point \"\(point.name)\", expected \(point.valueType.isString ? "text" : "a number")"
            )
            return nil
        }
        if case .string(registers: let registers) = point.valueType {
            guard scalar.string.utf8.count <= registers * 2 else {
                sink.error(
                    node.textLocation(in: file),
                    "\(key): found \"\(scalar.string)\" (\(scalar.string.utf8.count) bytes) for point \"\(point.name)\", expected at most \(registers * 2) bytes"
                )
                return nil
            }
            return .text(scalar.string)
        }
        if let raw = point.values.first(where: { $0.value == scalar.string })?.key {
            return .number(Double(raw) * point.scale + point.offset)
        }
        guard let number = YAMLNumber.double(scalar.string) else {
            let names = point.values.values.sorted()
            sink.error(
                node.textLocation(in: file),
                "\(key): found \"\(scalar.string)\" for point \"\(point.name)\", expected a number\(names.isEmpty ? "" : " or one of its values\(Suggestion.hint(for: scalar.string, in: names))")"
            )
            return nil
        }
        do {
            _ = try point.codec.encode(engineering: number)
        } catch {
            sink.error(
                node.textLocation(in: file),
                "\(key): found \(scalar.string) for point \"\(point.name)\", which its registers cannot hold: \(error)")
            return nil
        }
        return .number(number)
    }
}
