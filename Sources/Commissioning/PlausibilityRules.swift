import DeviceIO
import SiteConfig
import Vocabulary

/// What a value read from a device must look like to be believed: a SoC in 0–100 %, powers
/// within the ratings of the site file, meter phases that add up to the total, the units busbar
/// expects, and the points the gateway needs readable.
enum PlausibilityRules {
    /// A power may exceed its rating by this much (a 5 kW inverter briefly delivers 5.4 kW).
    static let ratingMargin = 1.2
    /// How far the phases of a meter may miss its total: 5 % of the total, at least 50 W.
    static func phaseTolerance(total: Double) -> Double { max(50, abs(total) * 0.05) }

    static func checks(of reading: DecodedReading, map: DeviceMap, device: DeviceConfig) -> [CommissionCheck] {
        var checks: [CommissionCheck] = []
        let unreadable = reading.points.filter { if case .unreadable = $0.outcome { true } else { false } }
        let needed = Set(neededRoles(of: map.kind).map(\.pointName))
        for point in unreadable where needed.contains(point.point.name) {
            checks.append(
                CommissionCheck(
                    "readable", .fail, "\(point.point.name) is needed and unreadable: \(point.failure ?? "")",
                    point: point.point.name))
        }
        let others = unreadable.filter { !needed.contains($0.point.name) }
        if !others.isEmpty {
            checks.append(
                CommissionCheck(
                    "readable", .warn,
                    "\(others.count) point\(others.count == 1 ? "" : "s") unreadable: "
                        + others.map { "\($0.point.name) (\($0.failure ?? ""))" }.joined(separator: ", ")))
        }
        checks += unitChecks(map)
        let values = reading.values
        if map.kind == .battery { checks.append(socCheck(values[TelemetryRole.soc.pointName], map: map)) }
        if let power = values[TelemetryRole.activePower.pointName] {
            checks.append(powerCheck(power, rating: rating(of: device, kind: map.kind)))
        }
        if map.kind == .meter, let check = phaseCheck(values) { checks.append(check) }
        return checks
    }

    /// The roles the gateway cannot work without, per kind.
    static func neededRoles(of kind: DeviceKind) -> [TelemetryRole] {
        switch kind {
        case .battery: [.soc, .activePower]
        case .chargepoint, .meter, .pv: [.activePower]
        }
    }

    /// The largest active power the site file allows the device, in W; nil when it does not say.
    static func rating(of device: DeviceConfig, kind: DeviceKind) -> Double? {
        switch kind {
        case .battery, .pv: device.ratings.maxPower
        case .chargepoint:
            device.ratings.maxCurrent.map { $0 * Double(device.ratings.phases ?? 3) * nominalPhaseVoltage }
        case .meter: nil
        }
    }

    static func socCheck(_ soc: Double?, map: DeviceMap) -> CommissionCheck {
        let point = TelemetryRole.soc.pointName
        guard let soc else {
            let has = map.point(named: point) != nil || map.computed.contains { $0.name == point }
            return CommissionCheck("soc range", has ? .fail : .warn, has ? "no value" : "the map has no soc point")
        }
        let shown = "read \(ModeParameter.format(soc)) %"
        return (0...100).contains(soc)
            ? CommissionCheck("soc range", .pass, shown + ", within 0–100 %", point: point)
            : CommissionCheck("soc range", .fail, shown + ", outside 0–100 %: scale or type of soc?", point: point)
    }

    static func powerCheck(_ power: Double, rating: Double?) -> CommissionCheck {
        let point = TelemetryRole.activePower.pointName
        let shown = "read \(ModeParameter.format(power)) W"
        guard let rating else {
            return CommissionCheck("power range", .pass, shown + " (no rating to compare)", point: point)
        }
        let limit = rating * ratingMargin
        return abs(power) <= limit
            ? CommissionCheck(
                "power range", .pass, shown + ", within the rating of \(ModeParameter.format(rating)) W", point: point)
            : CommissionCheck(
                "power range", .fail,
                shown + ", beyond the rating of \(ModeParameter.format(rating)) W: scale of active_power?", point: point
            )
    }

    static func phaseCheck(_ values: [String: Double]) -> CommissionCheck? {
        let phases = [TelemetryRole.activePowerL1, .activePowerL2, .activePowerL3].compactMap { values[$0.pointName] }
        guard phases.count == 3, let total = values[TelemetryRole.activePower.pointName] else { return nil }
        let sum = phases.reduce(0, +)
        let shown =
            "L1+L2+L3 = \(ModeParameter.format(sum)) W, total \(ModeParameter.format(total)) W"
        return abs(sum - total) <= phaseTolerance(total: total)
            ? CommissionCheck("phase sum", .pass, shown)
            : CommissionCheck(
                "phase sum", .fail, shown + ": a phase's sign or scale is off",
                point: TelemetryRole.activePower.pointName)
    }

    /// A role point whose unit is not busbar's (`kW` where busbar expects `W`).
    static func unitChecks(_ map: DeviceMap) -> [CommissionCheck] {
        map.points.compactMap { point in
            guard let role = TelemetryRole(rawValue: point.name), let expected = role.unit, let unit = point.unit,
                unit != expected
            else { return nil }
            return CommissionCheck(
                "unit", .warn, "\(point.name) is in \(unit); busbar expects \(expected)", point: point.name)
        }
    }
}
