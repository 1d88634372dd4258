import Control
import Foundation
import Gateway
import GatewayState
import SiteConfig
import Vocabulary

/// The live status `busbar demo` prints: each device's state and mode, and what is active on
/// the clusters with its source and time left.
enum DemoStatus {
    static func render(_ snapshot: GatewaySnapshot) -> String {
        var rows: [[String]] = []
        for device in snapshot.devices {
            let soc = device.value(.soc).map { String(format: "%.1f %%", $0) } ?? "-"
            let power = device.value(.activePower).map { String(format: "%.0f W", $0) } ?? "-"
            let modes = snapshot.decision?.device(DeviceID(device.id))?.recipes.map(\.description).joined(
                separator: ", ")
            rows.append([
                device.id, device.kind.rawValue, device.online ? "yes" : "no", soc, power,
                device.kind.isControllable ? (modes.flatMap { $0.isEmpty ? nil : $0 } ?? "AUTO") : "",
            ])
        }
        var lines = TextTable.lines(titles: ["device", "kind", "online", "soc", "power", "mode"], rows: rows)
        for target in [Target.essCluster, .chargepointCluster] {
            let name = target == .essCluster ? "ESS cluster" : "Chargepoints"
            guard let active = snapshot.decision?.activeCommand(for: target) else {
                lines.append("\(name): fallback (AUTO)")
                continue
            }
            let left = active.secondsLeft.map { ", \($0) s left" } ?? ""
            lines.append("\(name): \(active.command.mode) from \(active.command.origin)\(left)")
        }
        if let lost = snapshot.decision?.lost, !lost.isEmpty {
            lines += lost.map { "lost: \($0)" }
        }
        let grid = snapshot.gridPower.map { String(format: "%.0f W", $0) } ?? "-"
        let soc = snapshot.essSoc.map { String(format: "%.1f %%", $0) } ?? "-"
        let pv = snapshot.productionActivePower.map { String(format: "%.0f W", $0) } ?? "-"
        lines.append(
            "grid \(grid), PV \(pv), cluster SoC \(soc), ESS \(String(format: "%.0f W", snapshot.essActivePower)), EV \(String(format: "%.0f W", snapshot.evcsActivePower))"
        )
        return lines.joined(separator: "\n")
    }
}
