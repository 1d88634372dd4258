import Foundation

extension SiteDecoder {
    /// `location: {latitude: 52.52, longitude: 13.40}`: where the site is, for `until: sunrise`
    /// and `until: sunset`.
    func decodeLocation(_ reader: MappingReader) -> SiteLocation? {
        guard
            let section = reader.mapping(
                "location", context: "location", expected: "a mapping with latitude and longitude")
        else {
            return nil
        }
        section.checkKeys(["latitude", "longitude"])
        var values: [Double] = []
        for (key, limit) in [("latitude", 90.0), ("longitude", 180.0)] {
            let expected = "degrees from -\(Int(limit)) to \(Int(limit))"
            guard let value = section.number(key, expected: expected) else {
                if section.node(key) == nil { section.missing(key, expected) }
                continue
            }
            guard (-limit...limit).contains(value.value) else {
                sink.error(value.location, "\(key): found \(value.value), expected \(expected)")
                continue
            }
            values.append(value.value)
        }
        guard values.count == 2 else { return nil }
        return SiteLocation(latitude: values[0], longitude: values[1])
    }

    /// `time_zone: Europe/Berlin`: the site's IANA time zone, for its weekly schedule and its
    /// local times; the system's own when left out.
    func decodeTimeZone(_ reader: MappingReader) -> TimeZone? {
        guard let name = reader.string("time_zone", expected: "an IANA time zone such as Europe/Berlin") else {
            return nil
        }
        guard let zone = TimeZone(identifier: name.value) else {
            sink.error(
                name.location, "time_zone: found \"\(name.value)\", expected an IANA time zone such as Europe/Berlin")
            return nil
        }
        return zone
    }
}
