import DeviceIO
import Logging
import Modbus
import SiteConfig
import Synchronization

/// A device map's addresses as the device lays them out: for a map with a discovery
/// (``MapDiscovery``: a SunSpec model chain, an OpenEMS Edge's table) they are found at connect,
/// before the first poll, and again after the device was offline.
struct LocatedMap: Sendable {
    /// The map as the site file's map file has it, at its nominal addresses.
    let original: DeviceMap
    var map: DeviceMap
    var plan: [PlannedRead]
    /// Whether the addresses are final: always for a plain map, after discovery otherwise.
    var found: Bool
    /// Whether a failed discovery was logged: a device that keeps failing is logged once.
    var failureLogged = false

    init(map: DeviceMap) {
        self.original = map
        self.map = map
        self.plan = ReadPlanner.plan(map: map)
        self.found = !MapDiscovery.applies(to: map)
    }

    /// The map located at `moved`.
    func found(_ moved: DeviceMap) -> LocatedMap {
        var located = self
        located.map = moved
        located.plan = ReadPlanner.plan(map: moved)
        located.found = true
        located.failureLogged = false
        return located
    }
}

extension DeviceRuntime {
    /// Locates the map on the device once (``MapDiscovery``); nothing is read or written at the
    /// map's nominal addresses before. A device that does not fit the map is logged once and
    /// fails the poll, so it is tried again with the poll's back-off (a restarted Edge or
    /// inverter may still come up right).
    @available(*, noasync)
    func locate(with client: ModbusClient) throws(ModbusError) {
        guard let map = located.withLock({ $0.found ? nil : $0.original }) else { return }
        do {
            let moved = try MapDiscovery.locate(map, deviceUnit: config.unit, client: client)
            located.withLock { $0 = $0.found(moved) }
            logger.notice("located the map's registers on the device", metadata: ["map": "\(map.name)"])
        } catch {
            if case .invalidResponse = error.kind {
                let first = located.withLock { located in
                    defer { located.failureLogged = true }
                    return !located.failureLogged
                }
                if first { logger.error("the device does not fit its map", metadata: ["error": "\(error)"]) }
            }
            throw error
        }
    }

    /// Forgets where the map was found: the device went offline and may come back another way.
    func forgetLocation() {
        located.withLock { located in
            guard MapDiscovery.applies(to: located.original) else { return }
            located = LocatedMap(map: located.original)
        }
    }
}
