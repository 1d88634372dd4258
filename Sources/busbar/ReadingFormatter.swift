import Foundation
import Modbus

/// One decoded value as the register tool shows it.
struct Reading: Equatable {
    var address: Int
    var raw: [UInt16]
    var value: RegisterValue
    var changed = false
}

/// Prints readings as an aligned table, JSON or CSV.
struct ReadingFormatter {
    enum Format: String, CaseIterable {
        case table, json, csv
    }

    var format: Format
    var header: [String: String]

    func render(_ readings: [Reading], time: Date?) -> String {
        switch format {
        case .table: table(readings, time: time)
        case .csv: csv(readings, time: time)
        case .json: json(readings, time: time)
        }
    }

    static func hex(_ words: [UInt16]) -> String {
        words.map { word in
            let digits = String(word, radix: 16, uppercase: true)
            return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
        }.joined(separator: " ")
    }

    private func table(_ readings: [Reading], time: Date?) -> String {
        let rows = readings.map {
            ["\($0.address)", Self.hex($0.raw), $0.value.description + ($0.changed ? " *" : "")]
        }
        let titles = ["address", "raw", "value"]
        var lines: [String] = []
        if let time { lines.append("-- \(Self.timestamp(time))") }
        lines += TextTable.lines(titles: titles, rows: rows)
        return lines.joined(separator: "\n")
    }

    private func csv(_ readings: [Reading], time: Date?) -> String {
        let prefix = time.map { Self.timestamp($0) + "," } ?? ""
        var lines = time == nil ? ["address,raw,value"] : []
        for reading in readings {
            var value = reading.value.description
            if case .string = reading.value { value = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            lines.append("\(prefix)\(reading.address),\(Self.hex(reading.raw)),\(value)")
        }
        return lines.joined(separator: "\n")
    }

    private func json(_ readings: [Reading], time: Date?) -> String {
        var object = header.sorted { $0.key < $1.key }.map { "\(Self.quote($0.key)):\(Self.quote($0.value))" }
        if let time { object.append("\"time\":\(Self.quote(Self.timestamp(time)))") }
        let values = readings.map { reading in
            let raw = reading.raw.map(String.init).joined(separator: ",")
            var fields = "{\"address\":\(reading.address),\"raw\":[\(raw)],\"value\":\(Self.json(reading.value))"
            if time != nil { fields += ",\"changed\":\(reading.changed)" }
            return fields + "}"
        }
        object.append("\"values\":[\(values.joined(separator: ","))]")
        return "{" + object.joined(separator: ",") + "}"
    }

    /// A value as a JSON literal: text quoted, non-finite numbers as null.
    static func json(_ value: RegisterValue) -> String {
        switch value {
        case .string(let text): quote(text)
        case .bool(let flag): flag ? "true" : "false"
        case .float(let number) where !number.isFinite: "null"
        default: value.description
        }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
