import Foundation
import Modbus
import SiteConfig
import Upstreams

/// What `busbar check` found in a site file or a single device map: the diagnostics, and the
/// read plan of every device.
struct CheckReport: Encodable {
    struct DevicePlan: Encodable {
        var device: String
        var map: String
        var endpoint: String?
        var unit: Int
        /// Requests per poll cycle with the plan.
        var requests: Int
        /// Requests per poll cycle with one read per point.
        var points: Int
        var reads: [Read]
    }

    struct Read: Encodable {
        var function: Int
        var table: String
        var address: Int
        var count: Int
        /// The unit id the read goes to.
        var unit: Int
        var points: [String]
    }

    var ok: Bool
    var summary: String
    var diagnostics: [Diagnostic]
    var plan: [DevicePlan]

    static func make(path: String) -> CheckReport {
        if SiteLoader.isSiteFile(path: path) {
            let (loaded, diagnostics) = SiteLoader.check(path: path)
            guard let loaded else { return failed(diagnostics) }
            // The profile tables of a valid site: the site file's checks keep their names
            // apart, so a problem here is busbar's own, reported rather than trapped on.
            let tables = SiteProfiles.problems(for: loaded).map { profile, problem in
                Diagnostic(
                    file: path, line: 1, column: 1,
                    message: "the \(profile.rawValue) profile's table: \(problem.message)")
            }
            let writable = SiteProfiles.writableProblems(for: loaded)
            if !tables.isEmpty || !writable.isEmpty { return failed(diagnostics + writable + tables) }
            let plans = loaded.site.devices.compactMap { device in
                loaded.map(for: device).map {
                    Self.plan(device: device.id, map: $0, endpoint: device.endpoint.description, unit: device.unit)
                }
            }
            let summary =
                "ok: \(loaded.site.devices.count) device\(loaded.site.devices.count == 1 ? "" : "s"), \(loaded.maps.count) map\(loaded.maps.count == 1 ? "" : "s")"
            return CheckReport(ok: true, summary: summary, diagnostics: diagnostics, plan: plans)
        }
        let (map, diagnostics) = DeviceMapLoader.check(path: path)
        guard let map else { return failed(diagnostics) }
        // A PV map's curtailment recipe is checked like a mode but not ordered by the control core yet.
        let curtailment =
            map.control.limitProduction == nil ? "" : " (and \(DeviceControl.limitProductionName), not ordered yet)"
        let summary =
            "ok: \(map.kind) map \"\(map.name)\", \(map.points.count) points, \(map.control.modes.count) modes\(curtailment)"
        return CheckReport(
            ok: true, summary: summary, diagnostics: diagnostics,
            plan: [plan(device: map.name, map: map, endpoint: nil, unit: map.unit)]
        )
    }

    private static func failed(_ diagnostics: [Diagnostic]) -> CheckReport {
        let errors = diagnostics.filter(\.isError).count
        return CheckReport(
            ok: false, summary: "\(errors) error\(errors == 1 ? "" : "s")", diagnostics: diagnostics, plan: [])
    }

    private static func plan(device: String, map: DeviceMap, endpoint: String?, unit: Int) -> DevicePlan {
        let reads = ReadPlanner.plan(map: map)
        return DevicePlan(
            device: device, map: map.name, endpoint: endpoint, unit: unit, requests: reads.count,
            points: map.points.filter(\.access.isReadable).count,
            reads: reads.map {
                Read(
                    function: Int($0.functionCode.rawValue), table: $0.table.rawValue, address: $0.address,
                    count: $0.count,
                    unit: $0.unit(device: unit), points: $0.points
                )
            }
        )
    }

    // MARK: - Output

    func text(withPlan: Bool) -> String {
        var lines = diagnostics.map(\.description)
        if withPlan {
            for device in plan {
                let place = device.endpoint.map { "\($0) unit \(device.unit)" } ?? "unit \(device.unit)"
                lines.append(
                    "\(device.device) (\(device.map), \(place)): \(device.requests) request\(device.requests == 1 ? "" : "s") per poll cycle instead of \(device.points)"
                )
                for read in device.reads {
                    let place = read.unit == device.unit ? "" : " unit \(read.unit)"
                    lines.append(
                        "  FC\(read.function) \(read.table) \(read.address)+\(read.count)\(place): \(read.points.joined(separator: ", "))"
                    )
                }
            }
        }
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
