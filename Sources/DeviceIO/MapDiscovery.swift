public import Modbus
public import SiteConfig

/// Where a map's registers are on a device whose layout varies: a map that declares how to
/// find them (`sunspec: {models: …}` for a SunSpec device, `openems:` for an OpenEMS Edge's
/// Modbus/TCP API) is located once at connect, and the runtime reads and writes through the
/// located map; any other map is used as it is.
public enum MapDiscovery {
    /// Whether `map` must be located on the device before it is read.
    public static func applies(to map: DeviceMap) -> Bool { map.sunspec != nil || map.openems != nil }

    /// The map moved to where the device holds its registers.
    /// - Throws: the device's error, or why the device does not fit the map (an invalid response
    ///   naming what is missing): the device stays offline with that reason.
    @available(*, noasync)
    public static func locate(_ map: DeviceMap, deviceUnit: Int, client: ModbusClient) throws(ModbusError) -> DeviceMap
    {
        let unit = UInt8(clamping: deviceUnit)
        if let chain = map.sunspec {
            let found = try SunSpecDiscovery(chain).walk(unit: unit, client: client)
            return map.relocated(base: found.base, models: found.models)
        }
        guard let spec = map.openems else { return map }
        do {
            let natures = try Edge2EdgeDiscovery(component: spec.component).natures { address, count in
                try client.read(.holding, unit: unit, address: address, count: count)
            }
            return try Edge2EdgeDiscovery.relocate(map, to: natures)
        } catch let error as ModbusError {
            throw error
        } catch {
            throw ModbusError(.invalidResponse("\(error)"), operation: "OpenEMS Edge2Edge discovery", unit: unit)
        }
    }
}
