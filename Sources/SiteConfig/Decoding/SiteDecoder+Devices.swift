import Foundation
import Modbus
import Vocabulary
import Yams

extension SiteDecoder {
    func decodeDevices(_ reader: MappingReader) -> [DeviceConfig] {
        guard let items = reader.list("devices", required: true, expected: "a list of devices with id, map and uri")
        else { return [] }
        if items.isEmpty {
            sink.error(reader.keyLocation("devices") ?? reader.location, "found no devices, expected at least one")
        }
        var ids: [String: Int] = [:]
        var endpoints: [String: (line: Int, id: String)] = [:]
        var serialLines: [String: (settings: SerialLine.Settings, line: Int)] = [:]
        var devices: [DeviceConfig] = []
        for item in items {
            guard let device = decodeDevice(item) else { continue }
            let config = device.config
            if let line = ids[config.id] {
                sink.error(
                    device.idLocation,
                    "id: found device id \"\(config.id)\" again, expected unique ids (first at line \(line))")
            }
            ids[config.id] = ids[config.id] ?? device.idLocation.line
            // A map's points may live on further unit ids (a Victron's VE.Bus unit); those are
            // taken on the endpoint as well.
            let ownUnits = Set((maps[config.mapPath] ?? nil)?.points.compactMap(\.unitID) ?? []).subtracting([
                config.unit
            ])
            for unit in [config.unit] + ownUnits.sorted() {
                let key = "\(config.endpoint.connectionKey) unit \(unit)"
                if let first = endpoints[key] {
                    let through = unit == config.unit ? "" : " (a unit its map's points use)"
                    sink.error(
                        device.endpointLocation,
                        "found \(config.endpoint.connectionKey) unit \(unit)\(through) again, expected one device per endpoint and unit (device \"\(first.id)\" at line \(first.line))"
                    )
                } else {
                    endpoints[key] = (device.endpointLocation.line, config.id)
                }
            }
            if case .rtu(let line) = config.endpoint {
                checkSerialUnits(device, on: line, map: maps[config.mapPath] ?? nil)
                if let first = serialLines[line.device], first.settings != line.settings {
                    sink.error(
                        device.endpointLocation,
                        "found \(line) on a serial line already opened as \(SerialLine(device: line.device, settings: first.settings)) at line \(first.line), expected the same baudrate and comset for every device on one line"
                    )
                }
                serialLines[line.device] = serialLines[line.device] ?? (line.settings, device.endpointLocation.line)
            }
            devices.append(config)
        }
        return devices
    }

    private struct DecodedDevice {
        var config: DeviceConfig
        var idLocation: SourceLocation
        var endpointLocation: SourceLocation
        /// Where the site file gives the unit id, under the key it used; nil: the map's unit.
        var unit: (key: String, location: SourceLocation)?
    }

    private func decodeDevice(_ node: Node) -> DecodedDevice? {
        guard
            let reader = MappingReader(
                node, file: file, sink: sink, context: "a device", expected: "a mapping with id, map and uri")
        else {
            return nil
        }
        let id = reader.string("id", required: true, expected: "the device's name, such as ess1")
        if let id, UpstreamConfig.collides(deviceID: id.value) {
            let names = UpstreamConfig.reservedGroupNames
            sink.error(
                id.location,
                "id: found \"\(id.value)\", expected a name the upstream profiles do not use for their own points "
                    + "(not \(names.joined(separator: " or ")), nor starting with \(names.map { "\"\($0).\"" }.joined(separator: " or ")))"
            )
        }
        let device = MappingReader(
            node, file: file, sink: sink, context: id.map { "device \"\($0.value)\"" } ?? "a device", expected: "")!
        device.checkKeys(Self.deviceKeys)
        let (mapPath, map) = loadMap(device)
        let endpoint = decodeEndpoint(device)
        let unit = decodeUnit(device)
        let ratings = decodeRatings(device, kind: map?.kind)
        let priority =
            device.integer("priority", in: -1000...1000, expected: "a whole number from -1000 to 1000")?.value ?? 0
        let simulate = device.bool("simulate") ?? false
        var pollInterval: Duration?
        if let interval = device.duration("poll_interval") {
            if interval.value >= .milliseconds(50) {
                pollInterval = interval.value
            } else {
                sink.error(interval.location, "poll_interval: found \(interval.value), expected at least 50 ms")
            }
        }
        guard let id, let mapPath, let endpoint else { return nil }
        let config = DeviceConfig(
            id: id.value, mapPath: mapPath, endpoint: endpoint.value, unit: unit?.value.value ?? map?.unit ?? 1,
            ratings: ratings, priority: priority, simulate: simulate, pollInterval: pollInterval
        )
        return DecodedDevice(
            config: config, idLocation: id.location, endpointLocation: endpoint.location,
            unit: unit.map { ($0.key, $0.value.location) })
    }

    /// A map path relative to the site file's folder.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        return folder.appendingPathComponent(path).standardized.path
    }

    /// The resolved path and the map, each loaded once however many devices use it.
    private func loadMap(_ device: MappingReader) -> (path: String?, map: DeviceMap?) {
        guard
            let path = device.string(
                "map", required: true, expected: "the path of a device map, such as devices/alfen-ng9xx.yaml")
        else {
            return (nil, nil)
        }
        let resolved = resolve(path.value)
        mapReferences[resolved] = mapReferences[resolved] ?? path.value
        if let loaded = maps[resolved] { return (resolved, loaded) }
        let (map, diagnostics) = DeviceMapLoader.check(
            path: resolved, reference: path.location, named: "map \"\(path.value)\"")
        sink.append(contentsOf: diagnostics)
        maps[resolved] = .some(map)
        return (resolved, map)
    }

    private func decodeEndpoint(_ device: MappingReader) -> Located<Endpoint>? {
        let uri = device.string("uri", expected: "HOST:PORT such as \"192.168.1.20:502\"")
        let serial = device.string("device", expected: "a serial device such as /dev/ttyUSB0")
        switch (uri, serial) {
        case (nil, nil):
            device.missing("uri", "uri: HOST:PORT, or device: /dev/tty… for RTU")
            return nil
        case (.some(let uri), .some):
            sink.error(
                uri.location,
                "found both uri and device in \(device.context), expected one endpoint: uri for TCP or device for RTU")
            return nil
        case (.some(let uri), nil):
            for key in ["baudrate", "comset"] {
                if let location = device.keyLocation(key) {
                    sink.error(
                        location,
                        "found \(key) with uri in \(device.context), expected \(key) only with device: (a serial line)")
                }
            }
            guard !uri.value.hasPrefix("/"), case .tcp(let host, let port)? = try? Endpoint.parse(uri.value) else {
                sink.error(
                    uri.location,
                    "uri: found \"\(uri.value)\", expected HOST:PORT such as \"192.168.1.20:502\" (serial lines go in device:)"
                )
                return nil
            }
            return Located(value: .tcp(host: host, port: port), location: uri.location)
        case (nil, .some(let path)):
            var settings = SerialLine.Settings()
            if let baud = device.integer("baudrate", in: 300...1_000_000, expected: "a baud rate such as 9600 or 19200")
            {
                settings.baud = baud.value
            }
            if let comset = device.string("comset", expected: "data bits, parity and stop bits such as 8N1 or 8E1") {
                let characters = Array(comset.value.uppercased())
                if characters.count == 3, let data = Int(String(characters[0])), (5...8).contains(data),
                    let parity = SerialLine.Parity(rawValue: String(characters[1])),
                    let stop = Int(String(characters[2])), (1...2).contains(stop)
                {
                    settings.dataBits = data
                    settings.parity = parity
                    settings.stopBits = stop
                } else {
                    sink.error(
                        comset.location,
                        "comset: found \"\(comset.value)\", expected data bits, parity (N, E or O) and stop bits such as 8N1 or 8E1"
                    )
                }
            }
            return Located(value: .rtu(SerialLine(device: path.value, settings: settings)), location: path.location)
        }
    }

    /// `unit`, or Home Assistant's `device_address` / `slave`; at most one of them.
    private func decodeUnit(_ device: MappingReader) -> (key: String, value: Located<Int>)? {
        let given = ["unit", "device_address", "slave"].filter { device.node($0) != nil }
        if given.count > 1, let location = device.keyLocation(given[1]) {
            sink.error(
                location,
                "found \(given.joined(separator: " and ")) in \(device.context), expected one unit id (the names are aliases)"
            )
        }
        guard let key = given.first, let value = device.integer(key, in: 0...255, expected: "a unit id from 0 to 255")
        else {
            return nil
        }
        return (key, value)
    }

    /// On a serial line only 1…247 address a device: 0 is the broadcast address and 248…255
    /// are reserved (Modbus/TCP takes every id, so a TCP device on 255 is fine). Checks the
    /// device's unit and the units its map's points live on.
    private func checkSerialUnits(_ device: DecodedDevice, on line: SerialLine, map: DeviceMap?) {
        let allowed = Int(SerialLine.deviceUnits.lowerBound)...Int(SerialLine.deviceUnits.upperBound)
        let expected =
            "expected \(allowed.lowerBound) to \(allowed.upperBound) on a serial line (0 is the broadcast address, 248 to 255 are reserved)"
        let unit = device.config.unit
        if !allowed.contains(unit) {
            if let given = device.unit {
                sink.error(
                    given.location,
                    "\(given.key): found \(unit) for a device on serial line \(line.device), \(expected)")
            } else {
                sink.error(
                    device.endpointLocation,
                    "found serial line \(line.device) with the map's unit \(unit), \(expected); give the device a unit")
            }
        }
        var reported: Set<Int> = []
        for point in map?.points ?? [] {
            guard let pointUnit = point.unitID, pointUnit != unit, !allowed.contains(pointUnit),
                reported.insert(pointUnit).inserted
            else {
                continue
            }
            sink.error(
                device.endpointLocation,
                "found serial line \(line.device) with unit \(pointUnit) (device_address of point \"\(point.name)\" in its map), \(expected)"
            )
        }
    }

    private func decodeRatings(_ device: MappingReader, kind: DeviceKind?) -> DeviceRatings {
        var ratings = DeviceRatings()
        let capacity = device.quantity("capacity", .energy)
        let maxPower = device.quantity("max_power", .power)
        let maxCurrent = device.quantity("max_current", .current)
        let phases = device.integer("phases", in: 1...3, expected: "1 or 3")
        let minSoc = device.quantity("min_soc", .percent)
        let maxSoc = device.quantity("max_soc", .percent)
        if let capacity, capacity.value <= 0 {
            sink.error(
                capacity.location, "capacity: found \(Quantity.format(capacity.value)) Wh, expected an energy above 0")
        }
        if let maxPower, maxPower.value <= 0 {
            sink.error(
                maxPower.location, "max_power: found \(Quantity.format(maxPower.value)) W, expected a power above 0")
        }
        if let maxCurrent, maxCurrent.value < minimumChargingCurrent {
            sink.error(
                maxCurrent.location,
                "max_current: found \(Quantity.format(maxCurrent.value)) A, expected at least \(Quantity.format(minimumChargingCurrent)) A (the lowest current a car charges at)"
            )
        }
        if let phases, phases.value == 2 {
            sink.error(phases.location, "phases: found 2, expected 1 or 3")
        }
        for soc in [("min_soc", minSoc), ("max_soc", maxSoc)] {
            if let value = soc.1, !(0...100).contains(value.value) {
                sink.error(value.location, "\(soc.0): found \(Quantity.format(value.value)) %, expected 0 to 100 %")
            }
        }
        if let minSoc, let maxSoc, minSoc.value > maxSoc.value {
            sink.error(
                minSoc.location,
                "min_soc: found \(Quantity.format(minSoc.value)) % above max_soc \(Quantity.format(maxSoc.value)) %, expected min_soc ≤ max_soc"
            )
        }
        if let kind {
            let onlyFor: [(String, DeviceKind)] = [
                ("capacity", .battery), ("min_soc", .battery), ("max_soc", .battery), ("max_current", .chargepoint),
                ("phases", .chargepoint),
            ]
            for (key, owner) in onlyFor where owner != kind {
                if let location = device.keyLocation(key) {
                    sink.warning(location, "found \(key) on a \(kind), expected it only on a \(owner); it is ignored")
                }
            }
        }
        ratings.capacity = capacity?.value
        ratings.maxPower = maxPower?.value
        ratings.maxCurrent = maxCurrent?.value
        ratings.phases = phases?.value
        ratings.minSoc = minSoc?.value
        ratings.maxSoc = maxSoc?.value
        return ratings
    }
}

extension Endpoint {
    /// Devices with the same key share one connection: `tcp 127.0.0.1:1502`, `rtu /dev/ttyUSB0`.
    var connectionKey: String {
        switch self {
        case .tcp: "\(self)"
        case .rtu(let line): line.device
        }
    }
}
