import Control
public import GatewayState
import Logging
public import Modbus
public import SiteConfig
import Upstreams

extension Gateway {
    /// The handler for each upstream of the site file in force, by profile, each listening where
    /// the site file says unless `listen` names another address for its profile.
    public func upstreamHandlers(
        listen overrides: [UpstreamConfig.Profile: (host: String, port: Int)] = [:]
    ) -> [(UpstreamConfig, any ModbusRequestHandler)] {
        upstreamHandlers(for: site, listen: overrides)
    }

    /// The handlers `site`'s upstreams get (a reload's, before it is in force), each upstream
    /// with the registers its `writable:` groups open.
    func upstreamHandlers(
        for site: LoadedSite, listen overrides: [UpstreamConfig.Profile: (host: String, port: Int)]
    ) -> [(UpstreamConfig, any ModbusRequestHandler)] {
        var result: [(UpstreamConfig, any ModbusRequestHandler)] = []
        for problem in SiteProfiles.writableProblems(for: site) {
            logger.warning("writable group not in the profile: it opens nothing", metadata: ["problem": "\(problem)"])
        }
        for var upstream in site.site.upstreams.map({ SiteProfiles.applyingWritable($0, of: site) }) {
            if let address = overrides[upstream.profile] {
                upstream.host = address.host
                upstream.port = address.port
            }
            result.append((upstream, makeHandler(for: upstream, of: site)))
        }
        return result
    }

    private func makeHandler(for upstream: UpstreamConfig, of site: LoadedSite) -> any ModbusRequestHandler {
        let controller = self.controller
        let unit = UInt8(clamping: upstream.unit)
        switch upstream.profile {
        case .native:
            return NativeProfile(
                map: NativeRegisterMap(site: site), unit: unit, source: SourceID(GatewaySources.modbus),
                snapshot: { controller.snapshot }, sink: controller)
        case .openems:
            // The `openems` source's watchdog is the profile's apiTimeout (60 s by default).
            let timeout = site.site.sources.first { $0.id == GatewaySources.openems }?.watchdog ?? .seconds(60)
            return OpenEMSProfile(
                layout: OpenEMSProfile.layout(for: site.site, maps: site.maps), unit: unit, apiTimeout: timeout,
                snapshot: { controller.snapshot }, sink: controller)
        case .sunspec:
            return SunSpecProfile(
                table: SunSpecTable(site: site.site, maps: site.maps), unit: unit, snapshot: { controller.snapshot },
                sink: controller)
        }
    }
}
