import Yams

extension DeviceMapDecoder {
    /// `sunspec: {models: [1, 124]}`: the SunSpec models the map reads, each a model busbar
    /// knows the length of, none twice.
    func decodeSunSpec(_ map: MappingReader) -> SunSpecChain? {
        guard
            let reader = map.mapping(
                "sunspec", context: "sunspec", expected: "a mapping such as {models: [1, 124]}")
        else { return nil }
        reader.checkKeys(["models"])
        let known = SunSpecChain.lengths.keys.sorted().map(String.init).joined(separator: ", ")
        guard
            let items = reader.list("models", required: true, expected: "a list of SunSpec model ids such as [1, 124]")
        else { return nil }
        var models: [Int] = []
        for item in items {
            guard case .scalar(let scalar) = item, let id = Int(scalar.string), SunSpecChain.lengths[id] != nil else {
                sink.error(
                    item.textLocation(in: file), "models: found \(item.found), expected a SunSpec model id: \(known)")
                continue
            }
            if models.contains(id) {
                sink.error(item.textLocation(in: file), "models: found model \(id) twice, expected each model once")
                continue
            }
            models.append(id)
        }
        if items.isEmpty {
            sink.error(reader.location, "models: found an empty list, expected at least one SunSpec model id")
        }
        return SunSpecChain(models: models)
    }
}
