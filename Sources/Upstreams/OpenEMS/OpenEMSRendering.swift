import Control
import Foundation
import GatewayState
import SiteConfig
import Vocabulary

/// What the table shows for one snapshot: each channel's value in OpenEMS units and signs
/// (which are busbar's: docs/design.md §2.1). `nil` is unknown and reads as NaN or 0xFFFF.
struct OpenEMSRendering {
    /// The OpenEMS release whose table layout busbar follows, in the version words 2–4.
    static let openemsVersion = (major: 2026, minor: 5, patch: 0)
    /// Volts per phase for converting between chargepoint current and power.

    let snapshot: GatewaySnapshot
    let layout: OpenEMSLayout
    private let batteriesOnline: [DeviceStatus]
    private let gridMeter: DeviceStatus?

    init(snapshot: GatewaySnapshot, layout: OpenEMSLayout) {
        self.snapshot = snapshot
        self.layout = layout
        batteriesOnline = snapshot.batteries.filter(\.online)
        gridMeter = snapshot.devices.first { $0.kind == .meter && $0.online }
    }

    /// What `entry` shows; `nil` is undefined (NaN, 0xFFFF…, NULs).
    func value(for entry: OpenEMSTable.Entry) -> FieldValue? {
        switch entry.point.role {
        case .structure(let value): value
        case .reserved: nil
        case .meta(let field): meta(field)
        case .channel(let channel):
            entry.point.componentIndex.flatMap { value(channel, of: layout.components[$0].kind) }
        }
    }

    private func meta(_ field: OpenEMSTable.MetaField) -> FieldValue? {
        let version = Self.openemsVersion
        return switch field {
        case .versionMajor: .number(Double(version.major))
        case .versionMinor: .number(Double(version.minor))
        case .versionPatch: .number(Double(version.patch))
        case .manufacturer: .text("busbar")
        case .model: .text("busbar gateway")
        case .options: .text("openems profile")
        case .version: .text("\(version.major).\(version.minor).\(version.patch)")
        case .serialNumber: .text(snapshot.siteName)
        case .emsSerialNumber: .text("")
        case .systemTimeUtc: .number(Date().timeIntervalSince1970.rounded(.down))
        }
    }

    private func value(_ channel: OpenEMSChannel, of kind: OpenEMSLayout.Component.Kind) -> FieldValue? {
        let number: Double? =
            switch kind {
            case .sum: sum(channel)
            case .ess: ess(channel)
            case .meter(let id): snapshot.device(id).flatMap { meter(channel, $0) }
            case .evcs(let id): snapshot.device(id).flatMap { evcs(channel, $0) }
            }
        return number.map(FieldValue.number)
    }

    // MARK: Components

    /// Level: 0 OK, 2 Warning (some devices offline), 3 Fault (none of them online).
    private func state(of devices: [DeviceStatus]) -> Double {
        let online = devices.filter(\.online).count
        if online == devices.count { return 0 }
        return online == 0 ? 3 : 2
    }

    private var essPower: Double? { batteriesOnline.isEmpty ? nil : snapshot.essActivePower }

    private func sum(_ channel: OpenEMSChannel) -> Double? {
        switch channel {
        case .state: state(of: snapshot.devices)
        case .essSoc: snapshot.essSoc?.rounded()
        case .essActivePower, .essDischargePower: essPower
        case .essActivePowerL1, .essActivePowerL2, .essActivePowerL3: essPower.map { $0 / 3 }
        case .gridActivePower: snapshot.gridPower
        case .gridActivePowerL1: gridMeter?.value(.activePowerL1)
        case .gridActivePowerL2: gridMeter?.value(.activePowerL2)
        case .gridActivePowerL3: gridMeter?.value(.activePowerL3)
        case .gridBuyActiveEnergy: gridMeter?.values["energy_import"]
        case .gridSellActiveEnergy: gridMeter?.values["energy_export"]
        // Production is the PV devices' (all AC: busbar reads no DC chargers), null while none
        // is online, as OpenEMS without a production meter.
        case .productionActivePower, .productionAcActivePower: snapshot.productionActivePower
        case .productionAcActivePowerL1: productionPhase(.activePowerL1)
        case .productionAcActivePowerL2: productionPhase(.activePowerL2)
        case .productionAcActivePowerL3: productionPhase(.activePowerL3)
        case .productionActiveEnergy, .productionAcActiveEnergy: snapshot.productionEnergy
        // OpenEMS: consumption = grid + ESS + production. Unknown while the site has PV that
        // does not report: leaving it out would show the PV as negative consumption.
        case .consumptionActivePower:
            snapshot.gridPower.flatMap { grid in
                let production = snapshot.pvDevices.isEmpty ? 0 : snapshot.productionActivePower
                return production.map { grid + (essPower ?? 0) + $0 }
            }
        // Per phase as OpenEMS's SumImpl: ESS + grid + production on that phase.
        case .consumptionActivePowerL1: consumptionPhase(.activePowerL1)
        case .consumptionActivePowerL2: consumptionPhase(.activePowerL2)
        case .consumptionActivePowerL3: consumptionPhase(.activePowerL3)
        case .gridMode: 1
        case .essCapacity: snapshot.essCapacity > 0 ? snapshot.essCapacity : nil
        default: nil
        }
    }

    /// Consumption on one phase: the ESS's third, the grid meter's phase and the production's
    /// phase; unknown without the grid's phase or while the site's PV does not report.
    private func consumptionPhase(_ role: TelemetryRole) -> Double? {
        guard let grid = gridMeter?.value(role) else { return nil }
        let production = snapshot.pvDevices.isEmpty ? 0 : productionPhase(role)
        return production.map { grid + (essPower ?? 0) / 3 + $0 }
    }

    /// The online PV devices' power on one phase: what each reports for it, else a third of its
    /// power (a symmetric inverter, as OpenEMS takes one); `nil` while none is online.
    private func productionPhase(_ role: TelemetryRole) -> Double? {
        guard snapshot.productionActivePower != nil else { return nil }
        return snapshot.pvDevices.filter(\.online).reduce(0) { total, device in
            total + max(0, device.value(role) ?? (device.value(.activePower) ?? 0) / 3)
        }
    }

    private func ess(_ channel: OpenEMSChannel) -> Double? {
        let status = snapshot.decision?.ess
        switch channel {
        case .state: return state(of: snapshot.batteries)
        case .soc: return snapshot.essSoc?.rounded()
        case .gridMode: return 1
        case .activePower: return essPower
        case .capacity: return snapshot.essCapacity > 0 ? snapshot.essCapacity : nil
        case .maxApparentPower:
            // An Edge2Edge master's Power solver needs this (OpenEMS PR #2257): the ratings, or
            // else the largest power the batteries allow now.
            let rated = batteriesOnline.reduce(0) { total, battery in
                total
                    + (battery.ratings.maxPower
                        ?? max(battery.value(.maxChargePower) ?? 0, battery.value(.maxDischargePower) ?? 0))
            }
            if rated > 0 { return rated }
            guard let status else { return nil }
            return max(-status.allowedChargePower, status.allowedDischargePower)
        case .allowedChargePower: return status?.allowedChargePower
        case .allowedDischargePower: return status?.allowedDischargePower
        default: return nil
        }
    }

    private func meter(_ channel: OpenEMSChannel, _ device: DeviceStatus) -> Double? {
        if channel == .state { return state(of: [device]) }
        guard device.online else { return nil }
        return switch channel {
        case .activePower: device.value(.activePower)
        case .activePowerL1: device.value(.activePowerL1)
        case .activePowerL2: device.value(.activePowerL2)
        case .activePowerL3: device.value(.activePowerL3)
        // OpenEMS counts energy entering the site as production: a grid meter's import.
        case .activeProductionEnergy: device.values["energy_import"]
        case .activeConsumptionEnergy: device.values["energy_export"]
        default: nil
        }
    }

    private func evcs(_ channel: OpenEMSChannel, _ device: DeviceStatus) -> Double? {
        switch channel {
        case .state: return state(of: [device])
        case .chargingstationCommunicationFailed: return device.online ? 0 : 1
        default: break
        }
        guard device.online else { return nil }
        let phases = Self.phases(of: device)
        let watts = { (amperes: Double) in amperes * nominalPhaseVoltage * phases }
        switch channel {
        case .activePower: return device.value(.activePower)
        case .status:
            // OpenEMS Evcs Status: 1 not ready, 2 ready for charging, 3 charging.
            if let power = device.value(.activePower), power > 0 { return 3 }
            return device.value(.plugged).map { $0 != 0 ? 2 : 1 }
        case .chargingType: return 2  // AC (OpenEMS ChargingType: 0 is CCS, 1 CHAdeMO, 2 AC)
        case .phases: return phases
        case .maximumHardwarePower, .maximumPower: return device.ratings.maxCurrent.map(watts)
        case .minimumHardwarePower: return watts(ChargepointMode.minimumCurrent)
        case .setChargePowerLimit: return device.value(.currentLimit).map { watts($0).rounded() }
        default: return nil
        }
    }

    /// A chargepoint's phases: the site file's rating, else what it reports, else three.
    static func phases(of device: DeviceStatus?) -> Double {
        Double(device?.ratings.phases ?? device?.value(.phases).map { Int($0) } ?? 3)
    }
}
