import Modbus
import Vocabulary
import Yams

extension DeviceMapDecoder {
    static let controlKeys = ["modes", "release", "refresh", "heartbeat", "readback"]

    func decodeControl(_ map: MappingReader, fallback: Located<Fallback>?) -> DeviceControl? {
        guard
            let reader = map.mapping(
                "control", context: "control",
                expected: "a mapping with modes, release, refresh, heartbeat and readback")
        else {
            return nil
        }
        if kind == .meter {
            sink.error(
                map.keyLocation("control") ?? reader.location,
                "found control in a meter map, expected none (a meter takes no commands)")
            return nil
        }
        reader.checkKeys(Self.controlKeys)
        var control = DeviceControl()
        if let modes = reader.mapping("modes", context: "modes", expected: "a mapping of mode names to write lists") {
            for (name, node) in modes.pairs {
                if name.value == DeviceControl.limitProductionName || kind == .pv {
                    control.limitProduction = decodeLimitProduction(name, node) ?? control.limitProduction
                    continue
                }
                guard let mode = decodeModeName(name) else { continue }
                let steps = decodeSteps(
                    node, context: "mode \(mode)", parameters: mode.recipeParameters.map(\.rawValue), forMaster: true)
                control.recipes[mode] = ControlRecipe(mode: mode, steps: steps)
            }
        }
        if let node = reader.node("release") {
            control.release = decodeSteps(node, context: "release", parameters: [], forMaster: true)
        }
        if let refresh = reader.mapping("refresh", context: "refresh", expected: "a mapping with interval") {
            refresh.checkKeys(["interval"])
            if let interval = refresh.duration("interval", required: true) {
                checkBeats(interval, fallback: fallback, what: "refresh")
                control.refresh = Refresh(interval: interval.value)
            }
        }
        if let node = reader.node("heartbeat"),
            let heartbeat = MappingReader(
                node, file: file, sink: sink, context: "heartbeat", expected: "a mapping with write, value and interval"
            )
        {
            heartbeat.checkKeys(["write", "value", "interval"])
            let step = decodeStep(heartbeat, parameters: [], forMaster: true)
            let interval = heartbeat.duration("interval", required: true)
            if let interval { checkBeats(interval, fallback: fallback, what: "heartbeat") }
            if let step, let interval { control.heartbeat = Heartbeat(step: step, interval: interval.value) }
        }
        control.readback = reader.bool("readback") ?? false
        return control
    }

    /// A PV map's only recipe, `LIMIT_PRODUCTION` with the parameter `power` (W ≥ 0, the most
    /// the device may produce). Named in no other kind of map.
    private func decodeLimitProduction(_ name: Located<String>, _ node: Node) -> [WriteStep]? {
        let limit = DeviceControl.limitProductionName
        if let kind, kind != .pv {
            let allowed = kind.modes.map(\.rawValue).joined(separator: ", ")
            sink.error(name.location, "found pv mode \(limit) in a \(kind) map, expected one of \(allowed)")
            return nil
        }
        guard name.value == limit else {
            let hint = Suggestion.closest(to: name.value, in: [limit]).map { "; did you mean \"\($0)\"?" } ?? ""
            sink.error(
                name.location,
                "found mode \"\(name.value)\" in a pv map, expected \(limit), the only mode a pv device takes\(hint)")
            return nil
        }
        return decodeSteps(
            node, context: "mode \(limit)", parameters: [ModeParameter.Name.power.rawValue], forMaster: true)
    }

    private func decodeModeName(_ name: Located<String>) -> ModeKind? {
        guard let mode = ModeKind(rawValue: name.value) else {
            let candidates = (kind?.recipeModes ?? ModeKind.allCases.filter { $0.recipe == $0 }).map(\.rawValue)
            sink.error(
                name.location, "found unknown mode \"\(name.value)\"\(Suggestion.hint(for: name.value, in: candidates))"
            )
            return nil
        }
        if let kind, mode.deviceKind != kind {
            let allowed = kind.recipeModes.map(\.rawValue).joined(separator: ", ")
            sink.error(
                name.location, "found \(mode.deviceKind) mode \(mode) in a \(kind) map, expected one of \(allowed)")
            return nil
        }
        guard mode.recipe == mode else {
            sink.error(
                name.location,
                "found a recipe for \(mode), which the gateway carries out with the \(mode.recipe) recipe; expected no \(mode) recipe"
            )
            return nil
        }
        return mode
    }

    /// A write must finish before the device gives up on it.
    private func checkBeats(_ interval: Located<Duration>, fallback: Located<Fallback>?, what: String) {
        guard let fallback, interval.value >= fallback.value.after else { return }
        sink.error(
            interval.location,
            "interval: found a \(what) every \(interval.value.secondsText) s, expected less than the fallback after \(fallback.value.after.secondsText) s (line \(fallback.location.line)), or the device falls back while controlled"
        )
    }

    // MARK: - Fallback

    func decodeFallback(_ map: MappingReader) -> Located<Fallback>? {
        guard let reader = map.mapping("fallback", context: "fallback", expected: "a mapping with after and writes")
        else { return nil }
        reader.checkKeys(["after", "writes"])
        let after = reader.duration("after", required: true)
        var writes: [WriteStep] = []
        if let node = reader.node("writes") {
            writes = decodeSteps(node, context: "fallback", parameters: [], forMaster: false)
        }
        guard let after else { return nil }
        return Located(value: Fallback(after: after.value, writes: writes), location: reader.location)
    }

    // MARK: - Write steps

    /// A list of `{write: point, value: expression}`. Steps the master's modes send must name
    /// writable points; a fallback is the device writing its own registers.
    func decodeSteps(_ node: Node, context: String, parameters: [String], forMaster: Bool) -> [WriteStep] {
        guard case .sequence(let sequence) = node else {
            sink.error(
                node.location(in: file),
                "\(context): found \(node.found), expected a list of writes such as [{write: current_limit, value: current}]"
            )
            return []
        }
        return sequence.compactMap { item in
            guard
                let step = MappingReader(
                    item, file: file, sink: sink, context: "a write of \(context)",
                    expected: "a mapping with write and value")
            else {
                return nil
            }
            step.checkKeys(["write", "value"])
            return decodeStep(step, parameters: parameters, forMaster: forMaster)
        }
    }

    func decodeStep(_ step: MappingReader, parameters: [String], forMaster: Bool) -> WriteStep? {
        let target = step.string("write", required: true, expected: "the name of the point written")
        let value = decodeExpression(step, parameters: parameters)
        guard let target else { return nil }
        guard let point = points.first(where: { $0.name == target.value }) else {
            if pointLocations[target.value] == nil, !refuseComputed(target.value, at: target.location, key: "write") {
                sink.error(target.location, "write: found unknown point \"\(target.value)\"\(pointHint(target.value))")
            }
            return nil
        }
        if forMaster, !point.access.isWritable {
            sink.error(
                target.location, "write: found read-only point \"\(point.name)\", expected a point with access: rw or w"
            )
        } else if point.valueType.isString {
            sink.error(target.location, "write: found text point \"\(point.name)\", expected a numeric point")
        }
        guard let value else { return nil }
        return WriteStep(point: point.name, value: value)
    }

    /// Parses `value:` and checks every name in it.
    private func decodeExpression(_ step: MappingReader, parameters: [String]) -> Expression? {
        guard let node = step.node("value") else {
            step.missing("value", "a number or an expression over mode parameters, points and constants")
            return nil
        }
        return parseExpression(node, key: "value", parameters: parameters)
    }

    /// Parses the expression `node` holds (the value of `key`) and checks every name in it:
    /// `parameters` of the mode, `variables` of the context, points and constants. Write-only
    /// points are refused unless `writeOnlyPoints` (a simulated device knows what it was sent).
    func parseExpression(
        _ node: Node, key: String, parameters: [String], variables: [String] = [], writeOnlyPoints: Bool = false
    ) -> Expression? {
        guard case .scalar(let scalar) = node else {
            sink.error(
                node.location(in: file),
                "\(key): found \(node.found), expected a number or an expression such as \"-power\"")
            return nil
        }
        let location = node.textLocation(in: file)
        let expression: Expression
        do {
            expression = try Expression.parse(scalar.string)
        } catch {
            sink.error(location.shifted(by: error.offset), "\(key): \(error.message)")
            return nil
        }
        var valid = true
        for name in expression.names.sorted() {
            let location = location.shifted(by: Self.offset(of: name, in: scalar.string))
            if parameters.contains(name) || variables.contains(name) || constants[name] != nil { continue }
            if let point = points.first(where: { $0.name == name }) {
                if !(point.access.isReadable || writeOnlyPoints) || point.valueType.isString {
                    sink.error(
                        location,
                        "\(key): found point \"\(name)\", which cannot be read as a number; expected a readable numeric point"
                    )
                    valid = false
                }
                continue
            }
            if pointLocations[name] != nil { continue }  // a point with its own errors
            valid = false
            if refuseComputed(name, at: location, key: key) { continue }
            if ModeParameter.Name(rawValue: name) != nil {
                let given = parameters.isEmpty ? "no parameters" : parameters.joined(separator: ", ")
                sink.error(
                    location,
                    "\(key): found parameter \"\(name)\", which this mode does not give; expected \(given), a point or a constant"
                )
                continue
            }
            let candidates = parameters + variables + points.map(\.name) + constants.keys.sorted()
            sink.error(location, "\(key): found unknown name \"\(name)\"\(Suggestion.hint(for: name, in: candidates))")
        }
        return valid ? expression : nil
    }
}

extension DeviceMapDecoder {
    /// Where a name first stands as a whole word in an expression's text, so a message points
    /// at it rather than at the start of the value.
    static func offset(of name: String, in text: String) -> Int {
        let characters = Array(text)
        let target = Array(name)
        func isWordCharacter(_ index: Int) -> Bool {
            index >= 0 && index < characters.count
                && (characters[index].isLetter || characters[index].isNumber || characters[index] == "_")
        }
        guard target.count <= characters.count else { return 0 }
        for start in 0...(characters.count - target.count)
        where Array(characters[start..<(start + target.count)]) == target
            && !isWordCharacter(start - 1) && !isWordCharacter(start + target.count)
        {
            return start
        }
        return 0
    }
}

extension Duration {
    /// Whole and fractional seconds, for messages: `25`, `0.5`.
    var secondsText: String { Quantity.format(seconds) }
}
