import DeviceIO
import Logging
import Modbus
import SiteConfig
import Synchronization

/// A device map's addresses as the device lays them out: for an OpenEMS Edge (`openems:` in
/// the map) they are found once at connect, before the first poll.
struct LocatedMap: Sendable {
    var map: DeviceMap
    var plan: [PlannedRead]
    /// Whether the addresses are final: always for a plain map, after discovery for an Edge.
    var found: Bool
    /// Whether a failed discovery was logged: a table that keeps failing is logged once.
    var failureLogged = false

    init(map: DeviceMap) {
        self.map = map
        self.plan = ReadPlanner.plan(map: map)
        self.found = map.openems == nil
    }
}

extension DeviceRuntime {
    /// Finds an OpenEMS Edge's component and natures as Edge2Edge does, once, and moves the
    /// map's points there; nothing is read or written at the map's own addresses before. A
    /// table that does not serve the map is logged and fails the poll, so it is tried again
    /// with the poll's back-off (OpenEMS's master stops for good; a restarted Edge may still
    /// come up right).
    @available(*, noasync)
    func locate(with client: ModbusClient) throws(ModbusError) {
        guard let spec = located.withLock({ $0.found ? nil : $0.map.openems }) else { return }
        let unit = self.unit
        do {
            let natures = try Edge2EdgeDiscovery(component: spec.component).natures { address, count in
                try client.read(.holding, unit: unit, address: address, count: count)
            }
            let moved = try Edge2EdgeDiscovery.relocate(located.withLock { $0.map }, to: natures)
            located.withLock { $0 = LocatedMap(map: moved, found: true) }
            logger.notice(
                "found the OpenEMS component",
                metadata: [
                    "openems.component": "\(spec.component)",
                    "openems.natures": "\(natures.map { "0x\(String($0.hash, radix: 16)) at \($0.start)" })",
                ])
        } catch let error as ModbusError {
            throw error
        } catch {
            let first = located.withLock { located in
                let first = !located.failureLogged
                located.failureLogged = true
                return first
            }
            if first { logger.error("OpenEMS discovery failed", metadata: ["error": "\(error)"]) }
            throw ModbusError(.invalidResponse("\(error)"), operation: "OpenEMS Edge2Edge discovery", unit: unit)
        }
    }
}

extension LocatedMap {
    init(map: DeviceMap, found: Bool) {
        self.init(map: map)
        self.found = found
    }
}
