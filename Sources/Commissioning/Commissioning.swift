public import Foundation
public import Logging
public import Modbus
public import SiteConfig

/// `busbar commission`: proves a site against its live devices. Every device is surveyed (reached,
/// identified, every point read and checked for plausibility); with pulses, every controllable
/// device is then moved and must follow with the right sign and size.
public struct Commissioning: Sendable {
    public var site: LoadedSite
    /// The pulse tests to run; nil surveys only.
    public var pulse: PulseSettings?
    public var timeouts: ModbusClient.Timeouts
    public var logger: Logger

    public init(
        site: LoadedSite, pulse: PulseSettings? = nil,
        timeouts: ModbusClient.Timeouts = .init(response: .milliseconds(1000), byte: .milliseconds(500)),
        logger: Logger
    ) {
        self.site = site
        self.pulse = pulse
        self.timeouts = timeouts
        self.logger = logger
    }

    /// Surveys every device in the site's order, then pulses those that answered.
    @available(*, noasync, message: "blocks on the devices")
    public func run(at time: Date = Date()) -> CommissionReport {
        var devices = site.site.devices.compactMap { device -> DeviceCommissioning? in
            guard let map = site.maps[device.mapPath] else { return nil }
            return DeviceSurvey.survey(device, map: map, timeouts: timeouts)
        }
        if let pulse {
            let reached = devices.filter { $0.checks.first?.verdict == .pass }.map(\.id)
            let results = PulseTest(site: site, settings: pulse, timeouts: timeouts, logger: logger).run(
                devices: reached)
            for index in devices.indices { devices[index].checks += results[devices[index].id] ?? [] }
        }
        return CommissionReport(
            site: site.site.name, file: site.path, time: time, pulsed: pulse != nil, devices: devices)
    }
}
