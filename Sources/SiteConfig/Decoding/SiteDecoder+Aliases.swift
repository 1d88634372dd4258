import Vocabulary
import Yams

extension SiteDecoder {
    /// `aliases: {ess0: ess, ctrlEvseSingle0: evse1}`: other names for the JSON APIs' targets
    /// (a cloud written against OpenEMS component ids). Each names `ess`, `evcs` or a battery or
    /// chargepoint of the site, and is none of those names itself.
    func decodeAliases(_ reader: MappingReader, devices: [DeviceConfig]) -> [String: String] {
        guard
            let section = reader.mapping(
                "aliases", context: "aliases", expected: "a mapping of alias to target (ess, evcs or a device id)")
        else {
            return [:]
        }
        let ids = Set(devices.map(\.id))
        var targets = ["ess", "evcs"]
        for device in devices where maps[device.mapPath].flatMap({ $0 })?.kind.isControllable == true {
            targets.append(device.id)
        }
        var aliases: [String: String] = [:]
        for (alias, node) in section.pairs {
            guard case .scalar(let scalar) = node else {
                section.wrong(alias.value, node, "a target: \(targets.joined(separator: ", "))")
                continue
            }
            let target = scalar.string
            if alias.value == "ess" || alias.value == "evcs" || ids.contains(alias.value) {
                sink.error(
                    alias.location,
                    "aliases: found \"\(alias.value)\", which is already a target's name, expected a name of its own")
            } else if !targets.contains(target) {
                sink.error(
                    node.textLocation(in: file),
                    "\(alias.value): found \"\(target)\", expected a target: \(targets.joined(separator: ", "))")
            } else {
                aliases[alias.value] = target
            }
        }
        return aliases
    }
}
