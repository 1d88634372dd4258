import Control
import Modbus
import Upstreams
import Vocabulary
import Yams

/// evcc's custom `modbus` meters over the native table: getters read the site's aggregate
/// points, and battery control writes the ESS cluster's control block.
struct NativeMeters {
    var map: NativeRegisterMap
    var configuration: EvccConfiguration

    private var endpoint: IntegrationEndpoint { configuration.endpoint }

    func meter(_ name: String, usage: String) -> Node {
        var pairs: [(String, Node?)] = [("name", YAMLTree.text(name)), ("type", YAMLTree.text("custom"))]
        switch usage {
        case "grid":
            pairs.append(("power", read(.site(.gridActivePower))))
        case "pv":
            pairs += [("power", read(.site(.pvActivePower))), ("energy", read(.site(.pvEnergy), scale: 0.001))]
        default:
            pairs += [
                ("power", read(.site(.essActivePower))), ("soc", read(.site(.essSoc))),
                ("capacity", configuration.capacity.map(YAMLTree.number)), ("batterymode", batteryMode),
            ]
        }
        return YAMLTree.map(pairs)
    }

    // MARK: - Reads

    /// The getter of a native point: FC3 at its address, its encoding with evcc's `nan` suffix
    /// where the point has a sentinel, so "unknown" is an error in evcc rather than a number.
    private func read(_ point: NativePoint, scale: Double? = nil) -> Node? {
        guard let field = map.table.fields.first(where: { $0.point == point }) else { return nil }
        let nan = field.type.integerRange != nil ? "nan" : ""
        return YAMLTree.map([
            ("source", YAMLTree.text("modbus")), ("uri", YAMLTree.text(endpoint.uri)),
            ("id", YAMLTree.number(endpoint.unit)),
            (
                "register",
                YAMLTree.map([
                    ("address", YAMLTree.number(field.address)), ("type", YAMLTree.text("holding")),
                    ("encoding", YAMLTree.text(field.type.name + nan)),
                ])
            ),
            ("scale", scale.map(YAMLTree.number)),
        ])
    }

    // MARK: - Battery control

    private var cluster: NativeControlGroup { NativeControlGroup(target: .essCluster, kind: .battery) }

    private func controlField(_ field: NativePoint.ControlField) -> NativeRegister? {
        map.table.fields.first { $0.point == .control(cluster, field) }
    }

    /// evcc's battery modes (1 normal, 2 hold, 3 charge, 4 holdcharge) as native modes, behind
    /// evcc's watchdog at busbar's: a mode holds while evcc re-sends it, and normal is not
    /// re-sent.
    private var batteryMode: Node? {
        guard let mode = controlField(.mode), let power = controlField(.parameter),
            let duration = controlField(.duration)
        else { return nil }
        func code(_ name: String) -> Int? { mode.values?.first { $0.name == name }?.code }
        func set(_ modeName: String, power watts: Double? = nil) -> Node? {
            guard let code = code(modeName) else { return nil }
            var steps: [Node] = []
            if let watts { steps.append(constant(watts, into: power)) }
            // A duration of 0 binds the mode to busbar's watchdog, which evcc's re-sends refresh.
            if modeName != "RELEASE" { steps.append(constant(0, into: duration)) }
            steps.append(constant(Double(code), into: mode))
            return steps.count == 1
                ? steps[0] : YAMLTree.map([("source", YAMLTree.text("sequence")), ("set", YAMLTree.list(steps))])
        }
        var cases: [(Int, Node?)] = [(1, set("RELEASE")), (2, set("NO_DISCHARGE"))]
        if let charge = configuration.maxChargePower { cases.append((3, set("FORCE_CHARGE", power: charge))) }
        cases.append((4, set("NO_CHARGE")))
        let switchCases = cases.compactMap { value, set in
            set.map { YAMLTree.map([("case", YAMLTree.number(value)), ("set", $0)]) }
        }
        return YAMLTree.map([
            ("source", YAMLTree.text("watchdog")),
            ("timeout", YAMLTree.text(EvccConfiguration.seconds(configuration.watchdog))),
            ("reset", YAMLTree.number(1)),
            (
                "set",
                YAMLTree.map([
                    ("source", YAMLTree.text("switch")), ("switch", YAMLTree.list(switchCases)),
                    (
                        "default",
                        YAMLTree.map([("source", YAMLTree.text("error")), ("error", YAMLTree.text("ErrNotAvailable"))])
                    ),
                ])
            ),
        ])
    }

    /// A `const` setter writing `value` into `field` (FC6 for one register, FC16 for more).
    private func constant(_ value: Double, into field: NativeRegister) -> Node {
        YAMLTree.map([
            ("source", YAMLTree.text("const")), ("value", YAMLTree.number(value)),
            (
                "set",
                YAMLTree.map([
                    ("source", YAMLTree.text("modbus")), ("uri", YAMLTree.text(endpoint.uri)),
                    ("id", YAMLTree.number(endpoint.unit)),
                    (
                        "register",
                        YAMLTree.map([
                            ("address", YAMLTree.number(field.address)),
                            ("type", YAMLTree.text(field.count == 1 ? "writesingle" : "writemultiple")),
                            ("encoding", YAMLTree.text(field.type.name)),
                        ])
                    ),
                ])
            ),
        ])
    }
}
