import Yams

extension DeviceMapDecoder {
    /// The `openems:` section: `{component: ess0, natures: {SymmetricEss: 600, ManagedSymmetricEss: 700}}`.
    /// Every point must sit inside one of the natures (after its hash and length words).
    func decodeOpenEMS(_ map: MappingReader) -> OpenEMSEdgeSpec? {
        guard
            let reader = map.mapping(
                "openems", context: "openems",
                expected: "a mapping such as {component: ess0, natures: {SymmetricEss: 600}}")
        else { return nil }
        reader.checkKeys(["component", "natures"])
        let component = reader.string(
            "component", required: true, expected: "the Edge's component id, such as ess0")
        if let component, component.value.isEmpty || component.value.utf8.count > 32 {
            sink.error(
                component.location, "openems component: found \"\(component.value)\", expected an id of 1 to 32 bytes")
        }
        var natures: [String: Int] = [:]
        if let natureReader = reader.mapping(
            "natures", context: "openems natures", required: true,
            expected: "a mapping of nature names to their start addresses, such as {SymmetricEss: 600}")
        {
            for (key, _) in natureReader.pairs {
                if let start = natureReader.integer(
                    key.value, in: 0...65_535, expected: "the nature's start address, 0 to 65535")
                {
                    natures[key.value] = start.value
                }
            }
            if natures.isEmpty {
                sink.error(natureReader.location, "openems natures: found none, expected at least one nature")
            }
        }
        guard !natures.isEmpty else { return nil }
        let spec = OpenEMSEdgeSpec(component: component?.value ?? "", natures: natures)
        for point in points {
            let location = pointLocations[point.name] ?? reader.location
            guard let nature = spec.nature(holding: point.address) else {
                sink.error(
                    location,
                    "point \(point.name): found address \(point.address) before every openems nature, "
                        + "expected an address inside one of \(natures.keys.sorted().joined(separator: ", "))")
                continue
            }
            if point.address < nature.start + 2 {
                sink.error(
                    location,
                    "point \(point.name): found address \(point.address) on \(nature.name)'s hash or length "
                        + "word, expected a record at \(nature.start + 2) or after")
            }
        }
        return component == nil ? nil : spec
    }
}
