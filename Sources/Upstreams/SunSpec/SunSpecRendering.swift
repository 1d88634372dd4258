import Foundation
import GatewayState
import Vocabulary

/// What the SunSpec table shows for one snapshot: each point in its model's units, divided by
/// 10^exponent of its scale factor. `nil` is not implemented (the type's pattern: 0x8000,
/// 0xFFFF, 0 for accumulators, NUL text). Signs are busbar's (docs/design.md §2.1): battery
/// power positive = discharge, grid power positive = import.
struct SunSpecRendering {
    let snapshot: GatewaySnapshot
    let controls: SunSpecControls
    let table: SunSpecTable
    /// The unit id the upstream answers, model 1's DA.
    let unit: Int
    private let batteriesOnline: [DeviceStatus]
    private let gridMeter: DeviceStatus?

    init(snapshot: GatewaySnapshot, controls: SunSpecControls, table: SunSpecTable, unit: Int) {
        self.snapshot = snapshot
        self.controls = controls
        self.table = table
        self.unit = unit
        batteriesOnline = snapshot.batteries.filter(\.online)
        gridMeter = snapshot.devices.first { $0.kind == .meter && $0.online }
    }

    /// The version model 1's Vr shows: the version of this table's layout.
    static let layoutVersion = "1.0"

    func value(for field: SunSpecTable.Field) -> FieldValue? {
        let point = field.point
        if let fixed = point.fixed { return fixed }
        if case .string = point.type { return text(point.name).map(FieldValue.text) }
        // The controls a master wrote read back as their registers held them.
        if point.model == SunSpecModel.storage.id, SunSpecControls.written.contains(point.name) {
            return controls.values[point.name].map(FieldValue.number)
        }
        guard let number = number(model: point.model, point.name) else { return nil }
        return .number(number / pow(10, Double(point.exponent ?? 0)))
    }

    private func text(_ name: String) -> String? {
        switch name {
        case "Mn": "busbar"
        case "Md": "busbar gateway"
        case "Opt": "sunspec profile"
        case "Vr": Self.layoutVersion
        case "SN": snapshot.siteName
        default: nil
        }
    }

    private var essPower: Double? { batteriesOnline.isEmpty ? nil : snapshot.essActivePower }

    /// SunSpec's ChaSt: discharging, charging or holding by the cluster's power.
    private var chargeStatus: Double? {
        guard let power = essPower else { return nil }
        return power > 0 ? 3 : power < 0 ? 4 : 6
    }

    private func number(model: Int, _ name: String) -> Double? {
        switch (model, name) {
        case (SunSpecModel.common.id, "DA"): Double(unit)
        case (SunSpecModel.battery.id, "WHRtg"): batteriesOnline.isEmpty ? nil : snapshot.essCapacity
        case (SunSpecModel.battery.id, "WChaRteMax"), (SunSpecModel.battery.id, "WDisChaRteMax"),
            (SunSpecModel.storage.id, "WChaMax"):
            table.ratedStoragePower
        case (SunSpecModel.battery.id, "SoC"), (SunSpecModel.storage.id, "ChaState"): snapshot.essSoc
        case (SunSpecModel.battery.id, "ChaSt"), (SunSpecModel.storage.id, "ChaSt"): chargeStatus
        // Remote: busbar, not a local panel, controls the batteries.
        case (SunSpecModel.battery.id, "LocRemCtl"): 0
        // NOT APPLICABLE_UNKNOWN: a cluster of batteries of any chemistry.
        case (SunSpecModel.battery.id, "Typ"): 0
        // CONNECTED while a battery is online, else DISCONNECTED.
        case (SunSpecModel.battery.id, "State"): batteriesOnline.isEmpty ? 1 : 3
        case (SunSpecModel.battery.id, "AlmRst"): 0
        case (SunSpecModel.battery.id, "Evt1"), (SunSpecModel.battery.id, "Evt2"),
            (SunSpecModel.battery.id, "EvtVnd1"), (SunSpecModel.battery.id, "EvtVnd2"),
            (SunSpecModel.meter.id, "Evt"), (SunSpecModel.inverter.id, "Evt1"), (SunSpecModel.inverter.id, "Evt2"):
            0
        case (SunSpecModel.battery.id, "W"): essPower
        case (SunSpecModel.meter.id, "W"): snapshot.gridPower
        case (SunSpecModel.meter.id, "WphA"): gridMeter?.value(.activePowerL1)
        case (SunSpecModel.meter.id, "WphB"): gridMeter?.value(.activePowerL2)
        case (SunSpecModel.meter.id, "WphC"): gridMeter?.value(.activePowerL3)
        case (SunSpecModel.meter.id, "TotWhImp"): gridMeter?.value(.energyImport)
        case (SunSpecModel.meter.id, "TotWhExp"): gridMeter?.value(.energyExport)
        case (SunSpecModel.inverter.id, "W"): snapshot.productionActivePower
        case (SunSpecModel.inverter.id, "WH"): snapshot.productionEnergy
        // MPPT while producing, SLEEPING at 0 W.
        case (SunSpecModel.inverter.id, "St"): snapshot.productionActivePower.map { $0 > 0 ? 4 : 2 }
        default: nil
        }
    }

    /// What a point shows, for the document; "not implemented" for the points busbar leaves so.
    static func meaning(_ model: Int, _ name: String) -> String {
        switch (model, name) {
        case (_, "ID"): "Model id."
        case (_, "L"): "Model length (registers after L)."
        case (_, let name) where name.hasSuffix("_SF"): "Scale factor (fixed for the site; 0x8000 if unused)."
        case (SunSpecModel.common.id, "Mn"): "Manufacturer, \"busbar\"."
        case (SunSpecModel.common.id, "Md"): "Model, \"busbar gateway\"."
        case (SunSpecModel.common.id, "Opt"): "Options, \"sunspec profile\"."
        case (SunSpecModel.common.id, "Vr"): "Version of this table's layout."
        case (SunSpecModel.common.id, "SN"): "Serial number: the site's name."
        case (SunSpecModel.common.id, "DA"): "Device address: the upstream's unit id (writes refused)."
        case (SunSpecModel.battery.id, "WHRtg"): "Capacity of the online batteries."
        case (SunSpecModel.battery.id, "WChaRteMax"), (SunSpecModel.battery.id, "WDisChaRteMax"):
            "The batteries' rated power (sum of `max_power`)."
        case (SunSpecModel.battery.id, "SoC"), (SunSpecModel.storage.id, "ChaState"):
            "Cluster SoC (capacity-weighted over the online batteries)."
        case (SunSpecModel.battery.id, "ChaSt"), (SunSpecModel.storage.id, "ChaSt"):
            "3 discharging, 4 charging, 6 holding, by the cluster's power."
        case (SunSpecModel.battery.id, "LocRemCtl"): "0: remote control."
        case (SunSpecModel.battery.id, "Typ"): "0: not applicable/unknown."
        case (SunSpecModel.battery.id, "State"): "3 connected (a battery online), 1 disconnected."
        case (SunSpecModel.battery.id, "AlmRst"): "0 (writes refused)."
        case (_, let name) where name.hasPrefix("Evt"): "0: no events."
        case (SunSpecModel.battery.id, "W"): "Cluster active power (positive = discharge)."
        case (SunSpecModel.storage.id, "WChaMax"): "The batteries' rated power: the reference of InWRte and OutWRte."
        case (SunSpecModel.storage.id, "StorCtl_Mod"):
            "Bit 0: charge limit (InWRte) active; bit 1: discharge limit (OutWRte) active. Written: a command."
        case (SunSpecModel.storage.id, "InWRte"):
            "Charge limit in % of WChaMax (negative: forced discharge); in force while bit 0 is set."
        case (SunSpecModel.storage.id, "OutWRte"):
            "Discharge limit in % of WDisChaMax (= WChaMax; negative: forced charge); in force while bit 1 is set."
        case (SunSpecModel.storage.id, "InOutWRte_RvrtTms"):
            "Revert timeout: the limits end this long after they were written (0: the source's watchdog)."
        case (SunSpecModel.storage.id, "WChaGra"), (SunSpecModel.storage.id, "WDisChaGra"),
            (SunSpecModel.storage.id, "InOutWRte_WinTms"), (SunSpecModel.storage.id, "InOutWRte_RmpTms"),
            (SunSpecModel.storage.id, "ChaGriSet"):
            "Held and read back; busbar does not ramp or restrict grid charging with it."
        case (SunSpecModel.meter.id, "W"): "Grid active power (positive = import)."
        case (SunSpecModel.meter.id, "WphA"), (SunSpecModel.meter.id, "WphB"), (SunSpecModel.meter.id, "WphC"):
            "Grid active power of the phase (positive = import)."
        case (SunSpecModel.meter.id, "TotWhImp"): "Grid energy imported (0 when unknown)."
        case (SunSpecModel.meter.id, "TotWhExp"): "Grid energy exported (0 when unknown)."
        case (SunSpecModel.inverter.id, "W"): "PV production of the site."
        case (SunSpecModel.inverter.id, "WH"): "PV energy of the site (0 when unknown)."
        case (SunSpecModel.inverter.id, "St"): "4 MPPT while producing, 2 sleeping at 0 W."
        default: "Not implemented."
        }
    }
}
