import Vocabulary
import Yams

extension SiteDecoder {
    func decodeSources(_ reader: MappingReader, devices: [DeviceConfig]) -> [SourceConfig] {
        guard let items = reader.list("sources", expected: "a list of {id, priority, watchdog, fallback}") else {
            return []
        }
        var seen: [String: Int] = [:]
        return items.compactMap { item in
            guard
                let source = MappingReader(
                    item, file: file, sink: sink, context: "a source",
                    expected: "{id: ems, priority: 10, watchdog: 60 s, fallback: AUTO}")
            else {
                return nil
            }
            source.checkKeys(["id", "priority", "watchdog", "fallback"])
            let id = source.string("id", required: true, expected: "the source's name, such as ems")
            let priority =
                source.integer("priority", in: -1000...1000, expected: "a whole number from -1000 to 1000")?.value ?? 0
            let watchdog = source.duration("watchdog")?.value ?? .seconds(60)
            if let id {
                if let line = seen[id.value] {
                    sink.error(
                        id.location,
                        "id: found source \"\(id.value)\" again, expected unique source ids (first at line \(line))")
                }
                seen[id.value] = id.location.line
            }
            let fallbacks = decodeFallbacks(source, of: id?.value, devices: devices)
            guard let id else { return nil }
            return SourceConfig(id: id.value, priority: priority, watchdog: watchdog, fallbacks: fallbacks)
        }
    }

    // MARK: - Fallbacks

    /// `fallback: NO_DISCHARGE`, `fallback: {mode: LIMIT, current: 6 A}`, or a list of either,
    /// a mapping with an optional `target`. At most one entry per target.
    private func decodeFallbacks(_ source: MappingReader, of id: String?, devices: [DeviceConfig]) -> [SourceFallback] {
        guard let node = source.node("fallback") else { return [] }
        let items: [Node] = if case .sequence(let list) = node { Array(list) } else { [node] }
        var firstLine: [SourceFallback.Target: Int] = [:]
        var fallbacks: [SourceFallback] = []
        for item in items {
            guard let entry = decodeFallback(item, devices: devices) else { continue }
            if entry.value.mode == .chargepoint(.chargeEnergy) {
                sink.error(
                    entry.location,
                    "fallback: found \(entry.value.mode), which ends once its energy is delivered; expected a mode that holds its target (a fallback never ends)"
                )
                continue
            }
            let target = entry.value.target
            if let line = firstLine[target] {
                let source = id.map { " of source \"\($0)\"" } ?? ""
                sink.error(
                    entry.location,
                    "fallback: found a second fallback for target \(target)\(source), expected one per target (first at line \(line))"
                )
                continue
            }
            firstLine[target] = entry.location.line
            checkCarriedOut(entry, devices: devices)
            fallbacks.append(entry.value)
        }
        return fallbacks
    }

    /// One entry, located at its mode.
    private func decodeFallback(_ node: Node, devices: [DeviceConfig]) -> Located<SourceFallback>? {
        switch node {
        case .scalar(let scalar):
            let location = node.textLocation(in: file)
            guard let mode = ModeKind(rawValue: scalar.string) else {
                let names = ModeKind.allCases.map(\.name)
                sink.error(
                    location,
                    "fallback: found \"\(scalar.string)\", expected a mode\(Suggestion.hint(for: scalar.string, in: names))"
                )
                return nil
            }
            if mode.parameters.contains(where: { $0.defaultValue == nil }) {
                let example = mode.parameters.map { "\($0.name): \($0.unit.example)" }.joined(separator: ", ")
                sink.error(
                    location,
                    "fallback: found \(mode) without its \(mode.parameters.map(\.name.rawValue).joined(separator: " and ")), expected {mode: \(mode), \(example)}"
                )
                return nil
            }
            return Located(value: SourceFallback(mode), location: location)
        case .mapping:
            return decodeFallbackMapping(node, devices: devices)
        default:
            sink.error(
                node.location(in: file),
                "fallback: found \(node.found), expected a mode such as NO_DISCHARGE, a mapping such as {mode: LIMIT, current: 6 A}, or a list of them"
            )
            return nil
        }
    }

    /// `{target: evse1, mode: LIMIT, current: 6 A}`: the parameters are quantities with units,
    /// each inside the range the mode documents.
    ///
    /// A weekly schedule's entry is written the same way, with `extraKeys` of its own (`what`
    /// names it in messages).
    func decodeFallbackMapping(
        _ node: Node, devices: [DeviceConfig], extraKeys: [String] = [], what: String = "fallback"
    ) -> Located<SourceFallback>? {
        guard let first = MappingReader(node, file: file, sink: sink, context: "a \(what)", expected: "") else {
            return nil
        }
        let mode = first.choice("mode", ModeKind.self, required: true, what: "a mode")
        let entry = MappingReader(
            node, file: file, sink: sink, context: mode.map { "\(what) \($0.value)" } ?? "a \(what)", expected: "")!
        let specs = mode?.value.parameters ?? []
        let parameterNames = mode == nil ? ModeParameter.Name.allCases.map(\.rawValue) : specs.map(\.name.rawValue)
        entry.checkKeys(["target", "mode"] + parameterNames + extraKeys)
        let target = decodeFallbackTarget(entry, devices: devices)
        var parameters: [ModeParameter.Name: Double] = [:]
        var optional = 0
        for spec in specs {
            let required = spec.defaultValue == nil
            let given: Located<Double>? =
                if let dimension = spec.unit.dimension {
                    entry.quantity(spec.name.rawValue, dimension, required: required).map { quantity in
                        Located(value: quantity.value / spec.unit.baseUnits, location: quantity.location)
                    }
                } else {
                    entry.bool(spec.name.rawValue).map { Located(value: $0 ? 1 : 0, location: entry.location) }
                }
            guard let value = given else {
                if !required { optional += 1 }
                continue
            }
            guard spec.range.contains(value.value) else {
                let range =
                    "\(Quantity.format(spec.range.lowerBound)) to \(Quantity.format(spec.range.upperBound)) \(spec.unit.rawValue)"
                sink.error(
                    value.location,
                    "\(spec.name): found \(Quantity.format(value.value)) \(spec.unit.rawValue), expected \(range)")
                continue
            }
            parameters[spec.name] = value.value
        }
        guard let mode, case .decoded(let named) = target, parameters.count + optional == specs.count else {
            return nil
        }
        let fallback =
            named.map { SourceFallback(target: $0.value, mode: mode.value, parameters: parameters) }
            ?? SourceFallback(mode.value, parameters: parameters)
        if let kind = kind(of: fallback.target, devices: devices), kind != mode.value.deviceKind {
            let modes = kind.modes.map(\.name).joined(separator: ", ")
            sink.error(
                mode.location,
                "mode: found \(mode.value), a \(mode.value.deviceKind) mode, for \(Self.phrase(fallback.target, kind)); expected a \(kind) mode: \(modes)"
            )
            return nil
        }
        return Located(value: fallback, location: mode.location)
    }

    private enum DecodedTarget {
        /// Decoded: the target named, or `nil` when the entry names none.
        case decoded(Located<SourceFallback.Target>?)
        /// Named, but not a target of this site (reported).
        case invalid
    }

    /// `ess`, `chargepoints` (or `evcs`, as push targets name it) or the id of a battery or a
    /// chargepoint of this site.
    private func decodeFallbackTarget(_ entry: MappingReader, devices: [DeviceConfig]) -> DecodedTarget {
        let controllable = devices.filter { deviceKind(of: $0)?.isControllable ?? true }.map(\.id)
        let expected =
            "ess, chargepoints or the id of a battery or chargepoint (\(controllable.joined(separator: ", ")))"
        guard entry.node("target") != nil else { return .decoded(nil) }
        guard let name = entry.string("target", expected: expected) else { return .invalid }
        let target: SourceFallback.Target
        switch name.value {
        case "ess": target = .essCluster
        case "chargepoints", "evcs": target = .chargepointCluster
        default:
            guard let device = devices.first(where: { $0.id == name.value }) else {
                let hint =
                    Suggestion.closest(to: name.value, in: ["ess", "chargepoints"] + controllable).map {
                        "; did you mean \"\($0)\"?"
                    } ?? ""
                sink.error(name.location, "target: found \"\(name.value)\", expected \(expected)\(hint)")
                return .invalid
            }
            if let kind = deviceKind(of: device), !kind.isControllable {
                sink.error(
                    name.location,
                    "target: found \"\(name.value)\", a \(kind), which takes no modes; expected \(expected)")
                return .invalid
            }
            target = .device(device.id)
        }
        return .decoded(Located(value: target, location: name.location))
    }

    /// Reports every device the fallback reaches whose map cannot carry it out. The control core
    /// offers a mode on a target only where every device it reaches has the mode's recipe (a
    /// fallback without one would be listed as lost), and a chargepoint mode that comes down to
    /// 0 A is carried out by the ZERO recipe. AUTO needs none.
    private func checkCarriedOut(_ entry: Located<SourceFallback>, devices: [DeviceConfig]) {
        let fallback = entry.value
        guard fallback.mode != .ess(.auto) else { return }
        let kind = fallback.mode.deviceKind
        let reached = devices.filter { device in
            switch fallback.target {
            case .device(let id): device.id == id
            case .essCluster, .chargepointCluster: deviceKind(of: device) == kind
            }
        }
        if reached.isEmpty, !maps.values.contains(where: { $0 == nil }) {
            sink.error(
                entry.location,
                "fallback: found \(fallback), but this site has no \(kind); expected fallbacks only for targets with devices"
            )
            return
        }
        for device in reached {
            guard let map = maps[device.mapPath] ?? nil else { continue }
            for (mode, need) in Self.recipesNeeded(by: fallback) where map.control.recipes[mode] == nil {
                let reference = mapReferences[device.mapPath] ?? device.mapPath
                sink.error(
                    entry.location,
                    "fallback: found \(fallback), which device \"\(device.id)\" cannot carry out: its map \(reference) has no \(mode) recipe\(need.map { ", which \($0)" } ?? "")"
                )
            }
        }
    }

    /// The recipes a device needs for `fallback`, each with why when it is not the mode's own.
    static func recipesNeeded(by fallback: SourceFallback) -> [(mode: ModeKind, why: String?)] {
        let zero = ModeKind.chargepoint(.zero)
        let minimum = "\(Quantity.format(minimumChargingCurrent)) A"
        switch fallback.mode {
        case .chargepoint(.surplus):
            return [(fallback.mode, nil), (zero, "SURPLUS needs for 0 A while there is no surplus")]
        case .chargepoint(.limit) where (fallback.parameters[.current] ?? 0) < minimumChargingCurrent:
            return [
                (fallback.mode, nil),
                (zero, "a LIMIT under \(minimum) needs (a chargepoint cannot charge below \(minimum), so it is off)"),
            ]
        case .chargepoint(.limit) where fallback.target == .chargepointCluster:
            return [
                (fallback.mode, nil),
                (zero, "a cluster LIMIT needs for the chargepoints its cap leaves without \(minimum)"),
            ]
        case .ess(let kind) where kind.isControlled:
            return [(fallback.mode.recipe, "\(fallback.mode) is carried out with")]
        default:
            return [(fallback.mode, nil)]
        }
    }

    /// The kind of device a target holds; `nil` for a device whose map did not load.
    private func kind(of target: SourceFallback.Target, devices: [DeviceConfig]) -> DeviceKind? {
        switch target {
        case .essCluster: .battery
        case .chargepointCluster: .chargepoint
        case .device(let id): devices.first { $0.id == id }.flatMap(deviceKind(of:))
        }
    }

    private func deviceKind(of device: DeviceConfig) -> DeviceKind? {
        (maps[device.mapPath] ?? nil)?.kind
    }

    /// How a message names a target: `target ess`, `battery "ess1"`.
    private static func phrase(_ target: SourceFallback.Target, _ kind: DeviceKind) -> String {
        if case .device(let id) = target { return "\(kind) \"\(id)\"" }
        return "target \(target)"
    }
}

extension ModeParameter.Unit {
    /// The quantity a site file writes a parameter of this unit as; `nil` for a flag, written
    /// `true` or `false`.
    var dimension: Quantity.Dimension? {
        switch self {
        case .watt: .power
        case .ampere: .current
        case .percent: .percent
        case .kilowattHour: .energy
        case .flag: nil
        }
    }

    /// How many of the dimension's base units (W, A, %, Wh) one of this unit is: a site file's
    /// `10 kWh` reads as 10,000 Wh, a parameter of 10 kWh.
    var baseUnits: Double { self == .kilowattHour ? 1000 : 1 }

    /// A value as a site file writes it: `5 kW`, `6 A`.
    var example: String {
        switch self {
        case .watt: "5 kW"
        case .ampere: "6 A"
        case .percent: "90 %"
        case .kilowattHour: "10 kWh"
        case .flag: "true"
        }
    }
}
