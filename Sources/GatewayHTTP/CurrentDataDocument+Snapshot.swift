public import Control
public import Gateway
public import GatewayState
import SiteConfig
import Vocabulary

/// Whom a document is written for: the offered modes depend on the source's priority and on
/// the targets it may control.
public struct DocumentAudience: Sendable, Hashable {
    /// The source's priority in the control core; modes a higher-priority command overrides
    /// are not offered.
    public var priority: Int
    /// The targets the source may control; `nil` for all.
    public var allowedTargets: Set<Target>?

    public init(priority: Int, allowedTargets: Set<Target>? = nil) {
        self.priority = priority
        self.allowedTargets = allowedTargets
    }
}

extension CurrentDataDocument {
    /// OpenEMS channel names of the telemetry busbar knows, per device.
    static let channels: [(TelemetryRole, String)] = [
        (.activePower, "ActivePower"), (.soc, "Soc"), (.capacity, "Capacity"),
        (.allowedChargePower, "AllowedChargePower"), (.allowedDischargePower, "AllowedDischargePower"),
        (.maxChargePower, "MaxChargePower"), (.maxDischargePower, "MaxDischargePower"),
        (.currentLimit, "SetChargeCurrentLimit"), (.phases, "Phases"), (.energy, "ActiveEnergy"),
    ]

    /// The document for `snapshot`, taken at `time`, for `audience`, reporting `rejected`.
    public init(
        snapshot: GatewaySnapshot, at time: TimeBase, for audience: DocumentAudience,
        rejected: [RejectedControlMode] = []
    ) {
        let hasBattery = snapshot.batteries.contains(where: \.online)
        let essPower: Double? = hasBattery ? snapshot.essActivePower : nil
        let production = snapshot.productionActivePower
        var data: [String: Double?] = [
            "_sum/GridActivePower": snapshot.gridPower,
            "_sum/ProductionActivePower": production,
            "_sum/ProductionAcActivePower": production,
            "_sum/ProductionActiveEnergy": snapshot.productionEnergy,
            "_sum/EssSoc": snapshot.essSoc,
            "_sum/EssDischargePower": essPower,
            "_sum/EssActivePower": essPower,
            "_sum/EssCapacity": hasBattery ? snapshot.essCapacity : nil,
        ]
        for device in snapshot.devices {
            for (role, channel) in Self.channels {
                if let value = device.value(role) {
                    data.updateValue(device.online ? value : nil, forKey: "\(device.id)/\(channel)")
                }
            }
        }
        var active: [String: ActiveControlMode] = [:]
        for command in snapshot.decision?.active ?? [] where active[command.command.target.apiKey] == nil {
            active[command.command.target.apiKey] = ActiveControlMode(command, at: time)
        }
        var offers = Self.offers(snapshot, for: audience)
        // A target's aliases carry what it carries, so a cloud that names it so finds it.
        for (alias, target) in snapshot.aliases {
            offers[alias] = offers[target.apiKey]
            active[alias] = active[target.apiKey]
        }
        self.init(
            site: snapshot.siteName, timestamp: time.wall, watt: snapshot.gridPower, producingWatt: production,
            soc: snapshot.essSoc, chargingPower: essPower.map { Int(abs($0).rounded()) },
            powerStorageState: Self.storageState(for: essPower),
            currentData: data, availableControlModes: offers, activeControlModes: active,
            rejectedControlModes: rejected)
    }

    /// clever-PV's storage state for a battery power (W, + discharge): 3 discharging, 1 charging,
    /// 0 idle (under half a watt), 2 disabled (`nil`: no online battery), as OpenEMS derives it.
    package static func storageState(for power: Double?) -> Int {
        guard let power else { return 2 }
        let watts = power.rounded()
        return watts > 0 ? 3 : watts < 0 ? 1 : 0
    }

    /// What each target offers: its available modes, none while a command of higher priority
    /// than the audience's holds it (it would override whatever the audience sends).
    static func offers(_ snapshot: GatewaySnapshot, for audience: DocumentAudience) -> [String: [ModeOffer]] {
        var offers: [String: [ModeOffer]] = [:]
        for modes in snapshot.decision?.availableModes ?? [] {
            if let allowed = audience.allowedTargets, !allowed.contains(modes.target) { continue }
            let offered = modes.isOverridden(forPriority: audience.priority) ? [] : modes.modes
            offers[modes.target.apiKey] = offered.map { kind in
                ModeOffer(
                    mode: kind.name, parameter: kind.parameters.first?.name.rawValue,
                    maximum: kind.parameters.isEmpty ? nil : limit(of: kind, on: modes.target, in: snapshot))
            }
        }
        return offers
    }

    /// The largest parameter value `kind` can use on `target`'s online devices, if known.
    static func limit(of kind: ModeKind, on target: Target, in snapshot: GatewaySnapshot) -> Double? {
        // A SoC target is at most 100 %, however many batteries share it; an energy target is
        // bounded by the documented range, not by the devices (a car takes what it needs).
        if let spec = kind.parameters.first, spec.unit == .percent || spec.unit == .kilowattHour {
            return spec.range.upperBound
        }
        let devices: [DeviceStatus] =
            switch target {
            case .essCluster: snapshot.batteries.filter(\.online)
            case .chargepointCluster: snapshot.chargepoints.filter(\.online)
            case .device(let id): snapshot.device(id.rawValue).map { [$0] } ?? []
            }
        let limits: [Double?] = devices.map { device in
            switch kind {
            case .ess(.limitCharge), .ess(.forceCharge): chargeLimit(device)
            case .ess(.limitDischarge), .ess(.forceDischarge): dischargeLimit(device)
            case .ess: max(chargeLimit(device) ?? 0, dischargeLimit(device) ?? 0)
            // A device without a rating is taken at 16 A, as the gateway does.
            case .chargepoint: device.ratings.maxCurrent ?? 16
            }
        }
        let known = limits.compactMap { $0 }.filter { $0 > 0 }
        return known.isEmpty ? nil : known.reduce(0, +)
    }

    private static func chargeLimit(_ device: DeviceStatus) -> Double? {
        device.ratings.maxPower ?? device.value(.maxChargePower).map(abs) ?? device.value(.allowedChargePower).map(abs)
    }

    private static func dischargeLimit(_ device: DeviceStatus) -> Double? {
        device.ratings.maxPower ?? device.value(.maxDischargePower).map(abs)
            ?? device.value(.allowedDischargePower).map(abs)
    }
}
