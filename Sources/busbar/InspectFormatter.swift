import DeviceIO
import Foundation
import Modbus
import SiteConfig

/// Prints an ``InspectCycle`` as an aligned table or as one JSON object per cycle.
struct InspectFormatter {
    enum Format: String, CaseIterable {
        case table, json
    }

    var format: Format
    var device: String
    var endpoint: String
    var unit: UInt8

    func render(_ cycle: InspectCycle, time: Date?) -> String {
        switch format {
        case .table: table(cycle, time: time)
        case .json: json(cycle, time: time)
        }
    }

    /// `holding 1210`, `input 100`, `coil 400`.
    static func place(_ point: InspectedPoint) -> String {
        "\(point.point.table.rawValue) \(point.point.address)"
    }

    /// "12 points, 3 requests" (computed points counted), with the unreadable ones counted when
    /// there are any.
    static func summary(_ cycle: InspectCycle) -> String {
        let points = cycle.points.count + cycle.computed.count
        let requests = cycle.requests
        let unreadable = cycle.unreadable
        var text = "\(points) point\(points == 1 ? "" : "s"), \(requests) request\(requests == 1 ? "" : "s")"
        if unreadable > 0 { text += ", \(unreadable) unreadable" }
        return text
    }

    private func table(_ cycle: InspectCycle, time: Date?) -> String {
        let titles = ["point", "register", "value", "raw"]
        var rows: [[String]] = cycle.points.map { point in
            [
                point.point.name, Self.place(point), point.shown + (point.changed ? " *" : ""),
                point.raw.map(ReadingFormatter.hex) ?? "-",
            ]
        }
        rows += cycle.computed.map { point in
            [point.point.name, "computed", point.shown + (point.changed ? " *" : ""), "-"]
        }
        var lines: [String] = []
        if let time { lines.append("-- \(ReadingFormatter.timestamp(time))") }
        lines.append("\(device) at \(endpoint) unit \(unit)")
        lines += TextTable.lines(titles: titles, rows: rows)
        lines.append(Self.summary(cycle))
        return lines.joined(separator: "\n")
    }

    /// One line: `{"device", "endpoint", "unit", ["time",] "requests", "points": [...]}`; each
    /// point has name, table, address, raw (null when unreadable) and value (null when
    /// unreadable or not available), then unit, label, notAvailable, error and changed where
    /// they apply. Computed points follow with name, `"computed": true`, value (null when it
    /// cannot be worked out), unit and changed.
    private func json(_ cycle: InspectCycle, time: Date?) -> String {
        let quote = ReadingFormatter.quote
        var object = [
            "\"device\":\(quote(device))", "\"endpoint\":\(quote(endpoint))", "\"unit\":\(unit)",
        ]
        if let time { object.append("\"time\":\(quote(ReadingFormatter.timestamp(time)))") }
        object.append("\"requests\":\(cycle.requests)")
        var points: [String] = cycle.points.map { inspected in
            let point = inspected.point
            var fields = [
                "\"name\":\(quote(point.name))", "\"table\":\(quote(point.table.rawValue))",
                "\"address\":\(point.address)",
                "\"raw\":" + (inspected.raw.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "null"),
            ]
            switch inspected.outcome {
            case .value(let value):
                fields.append("\"value\":\(ReadingFormatter.json(value))")
                if let unit = point.unit { fields.append("\"unit\":\(quote(unit))") }
                if let label = inspected.label { fields.append("\"label\":\(quote(label))") }
            case .notAvailable:
                fields += ["\"value\":null", "\"notAvailable\":true"]
            case .unreadable:
                fields += ["\"value\":null", "\"error\":\(quote(inspected.failure ?? ""))"]
            }
            if time != nil { fields.append("\"changed\":\(inspected.changed)") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        points += cycle.computed.map { computed in
            var fields = [
                "\"name\":\(quote(computed.point.name))", "\"computed\":true",
                "\"value\":" + (computed.registerValue.map(ReadingFormatter.json) ?? "null"),
            ]
            if let unit = computed.point.unit { fields.append("\"unit\":\(quote(unit))") }
            if time != nil { fields.append("\"changed\":\(computed.changed)") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        object.append("\"points\":[\(points.joined(separator: ","))]")
        return "{" + object.joined(separator: ",") + "}"
    }
}
