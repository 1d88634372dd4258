import Control
import GatewayState
import SiteConfig
import Vocabulary

extension GatewayController {
    /// The control core's view of the site at `now`: online state, power, limits and what each
    /// map can do; the grid meter's power with when it was read, none while no meter answers.
    static func siteSnapshot(devices: [DeviceRuntime], statuses: [DeviceStatus], at now: ControlInstant) -> SiteSnapshot
    {
        var snapshots: [DeviceSnapshot] = []
        var grid: Reading?
        for (device, status) in zip(devices, statuses) {
            let id = DeviceID(device.id)
            let power = status.value(.activePower) ?? 0
            let supported = device.supportedModes
            let ratings = device.config.ratings
            switch device.map.kind {
            case .battery:
                let rated = ratings.maxPower ?? status.value(.maxDischargePower) ?? status.value(.maxChargePower) ?? 0
                let charge =
                    status.value(.allowedChargePower).map { -abs($0) } ?? -(status.value(.maxChargePower) ?? rated)
                let discharge =
                    status.value(.allowedDischargePower).map(abs) ?? status.value(.maxDischargePower) ?? rated
                let telemetry = BatteryTelemetry(
                    soc: status.value(.soc), capacity: status.capacity ?? 0, allowedChargePower: charge,
                    allowedDischargePower: discharge, ratedPower: rated, minSoc: ratings.minSoc ?? 0,
                    maxSoc: ratings.maxSoc ?? 100)
                snapshots.append(
                    .battery(
                        id, telemetry, online: status.online, activePower: power, supportedModes: supported,
                        priority: device.config.priority))
            case .chargepoint:
                let phases = ratings.phases ?? status.value(.phases).map { Int($0) } ?? 3
                let telemetry = ChargepointTelemetry(
                    maxCurrent: ratings.maxCurrent ?? 16,
                    phases: ChargepointTelemetry.Phases(rawValue: phases) ?? .three,
                    currentStep: device.currentStep,
                    energy: status.value(.energy).map { Reading($0, at: status.age.map { now - $0 }) },
                    plugged: status.value(.plugged).map { $0 != 0 })
                let map = device.map
                snapshots.append(
                    .chargepoint(
                        id, telemetry, online: status.online, activePower: power, supportedModes: supported,
                        priority: device.config.priority,
                        reportedRoles: Set(TelemetryRole.allCases.filter { map[role: $0] != nil })))
            case .meter:
                // The first online meter of the site file is the grid meter.
                if grid == nil, status.online, let power = status.value(.activePower) {
                    grid = Reading(power, at: status.age.map { now - $0 })
                }
            case .pv:
                break
            }
        }
        return SiteSnapshot(devices: snapshots, grid: grid)
    }

    /// The control core's configuration from the site file. Each upstream profile and API is a
    /// command source of its own; one the site does not list gets a default priority (Modbus
    /// masters 10, the local API and the cloud 5), the 60 s watchdog and no fallback. A target
    /// returns to the fallback of the source whose command on it ended; when that source names
    /// none for it (or before any command ended), to the one of the highest-priority source that
    /// names the target (ties: the source listed first).
    static func configuration(for site: Site, maps: [String: DeviceMap]) -> ControlConfiguration {
        var sources = site.sources.map { source in
            Source(
                id: SourceID(source.id), priority: source.priority, watchdogTimeout: source.watchdog,
                fallbacks: Dictionary(
                    source.fallbacks.compactMap { fallback in
                        (try? Mode(kind: fallback.mode, parameters: fallback.parameters)).map {
                            (Target(fallback.target), $0)
                        }
                    }
                ) { first, _ in first })
        }
        for (id, priority) in GatewaySources.defaults where !sources.contains(where: { $0.id.rawValue == id }) {
            sources.append(Source(id: SourceID(id), priority: priority))
        }
        var kinds: [DeviceID: DeviceKind] = [:]
        for device in site.devices {
            if let kind = maps[device.mapPath]?.kind, kind.isControllable { kinds[DeviceID(device.id)] = kind }
        }
        // Per target, the highest-priority source's entry (Site.fallbacks); AUTO is the core's
        // default and needs no entry. The site check has validated every mode and parameter.
        var fallbacks: [Target: Mode] = [:]
        for fallback in site.fallbacks where fallback.mode != .ess(.auto) {
            if let mode = try? Mode(kind: fallback.mode, parameters: fallback.parameters) {
                fallbacks[Target(fallback.target)] = mode
            }
        }
        let surplus = SurplusSettings(startDelay: site.surplus.startDelay, stopDelay: site.surplus.stopDelay)
        return ControlConfiguration(
            sources: sources, devices: kinds, fallbacks: fallbacks, essStrategy: site.allocation, surplus: surplus,
            gridControl: site.gridControl)
    }
}

extension Target {
    /// The control core's name for a target of the site file.
    init(_ target: SourceFallback.Target) {
        switch target {
        case .essCluster: self = .essCluster
        case .chargepointCluster: self = .chargepointCluster
        case .device(let id): self = .device(DeviceID(id))
        }
    }
}
