import Control
import Logging
public import Modbus
public import SiteConfig

extension Gateway {
    /// The handler for each upstream of the site file, by profile. A profile busbar does not
    /// serve yet is left out and logged.
    public func upstreamHandlers(listen override: (host: String, port: Int)? = nil) -> [(UpstreamConfig, any ModbusRequestHandler)] {
        var result: [(UpstreamConfig, any ModbusRequestHandler)] = []
        for var upstream in site.site.upstreams {
            if let override, upstream.profile == .native {
                upstream.host = override.host
                upstream.port = override.port
            }
            guard let handler = makeHandler(for: upstream) else {
                logger.warning("upstream profile not served", metadata: ["upstream.profile": "\(upstream.profile.rawValue)"])
                continue
            }
            result.append((upstream, handler))
        }
        return result
    }

    private func makeHandler(for upstream: UpstreamConfig) -> (any ModbusRequestHandler)? {
        let controller = self.controller
        switch upstream.profile {
        case .native:
            return NativeProfile(
                map: NativeRegisterMap(site: site), unit: UInt8(clamping: upstream.unit),
                source: SourceID(GatewaySources.modbus), snapshot: { controller.snapshot }, sink: controller)
        case .openems, .sunspec:
            return nil
        }
    }
}
