public import Foundation

extension CommissionReport {
    /// The report as Markdown: a summary table, then per device its checks and the points read.
    /// `appendix` (the native register map for the EMS integrator) follows as it is.
    public func markdown(appendix: String? = nil) -> String {
        var lines = [
            "# Commissioning of \(site)", "",
            "`\(file)`, \(time.formatted(.iso8601)), \(pulsed ? "with" : "without") pulse tests: **\(verdict.rawValue.uppercased())** (\(tally))",
            "", "| device | kind | endpoint | verdict |", "|---|---|---|---|",
        ]
        lines += devices.map { "| \($0.id) | \($0.kind) | \($0.endpoint) unit \($0.unit) | \($0.verdict.rawValue) |" }
        for device in devices {
            lines += ["", "## \(device.id) (\(device.map)): \(device.verdict.rawValue)", ""]
            if !device.identity.isEmpty {
                lines.append(
                    device.identity.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
                lines.append("")
            }
            lines += ["| check | verdict | evidence |", "|---|---|---|"]
            lines += device.checks.map { "| \($0.name) | \($0.verdict.rawValue) | \(cell($0.evidence)) |" }
            if !device.points.isEmpty {
                lines += ["", "| point | register | value |", "|---|---|---|"]
                lines += device.points.map { "| \($0.name) | \($0.register) | \(cell($0.shown)) |" }
            }
        }
        if let appendix { lines += ["", appendix] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one standalone HTML page (no external assets); `appendix` as preformatted text.
    public func html(appendix: String? = nil) -> String {
        func row(_ cells: [String], header: Bool = false) -> String {
            let tag = header ? "th" : "td"
            return "<tr>" + cells.map { "<\(tag)>\(escape($0))</\(tag)>" }.joined() + "</tr>"
        }
        func verdictCell(_ verdict: Verdict) -> String { "<td class=\"\(verdict.rawValue)\">\(verdict.rawValue)</td>" }
        var body = [
            "<h1>Commissioning of \(escape(site))</h1>",
            "<p><code>\(escape(file))</code>, \(time.formatted(.iso8601)), \(pulsed ? "with" : "without") pulse tests: <b class=\"\(verdict.rawValue)\">\(verdict.rawValue.uppercased())</b> (\(tally))</p>",
            "<table>" + row(["device", "kind", "endpoint", "verdict"], header: true),
        ]
        body += devices.map { device in
            "<tr><td><a href=\"#\(escape(device.id))\">\(escape(device.id))</a></td><td>\(escape(device.kind))</td><td>\(escape(device.endpoint)) unit \(device.unit)</td>\(verdictCell(device.verdict))</tr>"
        }
        body.append("</table>")
        for device in devices {
            body.append(
                "<h2 id=\"\(escape(device.id))\">\(escape(device.id)) (\(escape(device.map))): \(device.verdict.rawValue)</h2>"
            )
            body.append("<table>" + row(["check", "verdict", "evidence"], header: true))
            body += device.checks.map {
                "<tr><td>\(escape($0.name))</td>\(verdictCell($0.verdict))<td>\(escape($0.evidence))</td></tr>"
            }
            body.append("</table>")
            if !device.points.isEmpty {
                body.append("<table>" + row(["point", "register", "value"], header: true))
                body += device.points.map { row([$0.name, $0.register, $0.shown]) }
                body.append("</table>")
            }
        }
        if let appendix { body.append("<h2>Native register map</h2><pre>\(escape(appendix))</pre>") }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Commissioning of \(escape(site))</title>
            <style>body{font-family:system-ui,sans-serif;margin:1em;max-width:60em}table{border-collapse:collapse;margin:.5em 0}\
            td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.pass{color:#176f2c}.warn{color:#8a6100}.fail{color:#b00020;font-weight:bold}</style>
            </head><body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// The report as JSON: the report's fields, with a verdict per check, device and site.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
