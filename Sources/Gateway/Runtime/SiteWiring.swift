import Logging
import Modbus
import SiteConfig

/// The run-time devices of a site, and how they group onto endpoints: one connection (and one
/// worker) per endpoint, shared by every unit id behind it, in site-file order.
struct SiteWiring {
    let devices: [DeviceRuntime]
    let groups: [(Endpoint, [DeviceRuntime])]

    /// - Parameter endpoints: where to reach devices instead of their site-file endpoint, by id.
    init(site: LoadedSite, endpoints: [String: Endpoint], logger: Logger) {
        var devices: [DeviceRuntime] = []
        var groups: [(Endpoint, [DeviceRuntime])] = []
        for var config in site.site.devices {
            guard let map = site.map(for: config) else { continue }
            if let endpoint = endpoints[config.id] { config.endpoint = endpoint }
            let runtime = DeviceRuntime(config: config, map: map, pollInterval: site.site.pollInterval, logger: logger)
            devices.append(runtime)
            if let index = groups.firstIndex(where: { $0.0 == config.endpoint }) {
                groups[index].1.append(runtime)
            } else {
                groups.append((config.endpoint, [runtime]))
            }
        }
        self.devices = devices
        self.groups = groups
    }
}
