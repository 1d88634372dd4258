import Foundation
public import SiteConfig

/// The document an integrator gets for a profile's table (`busbar map --profile`): where to
/// connect, the conventions, and every field under its group's heading, in Markdown, CSV or
/// JSON. Each profile supplies its words (title, conventions, headings); the rows come from
/// the table.
public struct TableDocument<Point: Hashable & Sendable>: Sendable {
    /// Where a master reaches the profile.
    public struct Endpoint: Sendable, Hashable, Encodable {
        /// `HOST:PORT`.
        public var listen: String
        public var unit: Int
    }

    public var profile: UpstreamConfig.Profile
    public var site: String
    public var table: ProfileTable<Point>
    /// The site's upstreams with this profile; empty when the site configures none.
    public var endpoints: [Endpoint]
    /// The profile's fixed numbers (map version, magic), for the JSON document.
    public var header: [String: Int]
    /// Markdown bullet lines under "Conventions".
    public var conventions: [String]
    /// What the reserved ranges do, under "Reserved addresses".
    public var reservedNote: String
    /// The heading of a group.
    public var heading: @Sendable (String) -> String

    public init(
        profile: UpstreamConfig.Profile, site: String, table: ProfileTable<Point>, upstreams: [UpstreamConfig],
        header: [String: Int] = [:], conventions: [String], reservedNote: String,
        heading: @escaping @Sendable (String) -> String
    ) {
        self.profile = profile
        self.site = site
        self.table = table
        self.endpoints = upstreams.filter { $0.profile == profile }.map { upstream in
            let host = upstream.host.contains(":") ? "[\(upstream.host)]" : upstream.host
            return Endpoint(listen: "\(host):\(upstream.port)", unit: upstream.unit)
        }
        self.header = header
        self.conventions = conventions
        self.reservedNote = reservedNote
        self.heading = heading
    }

    /// The fields shown: every field but reserved placeholders.
    private var rows: [RegisterField<Point>] { table.fields.filter { $0.access != .reserved } }

    // MARK: - JSON

    private struct JSONDocument: Encodable {
        struct Entry: Encodable {
            var name: String
            var address: Int
            var count: Int
            var encoding: String
            var access: String
            var unit: String
            var description: String
            var group: String
            var values: [String: Int]?
            var range: [Double]?
            var sentinel: String
        }

        struct Reserved: Encodable {
            var address: Int
            var count: Int
        }

        var profile: String
        var site: String
        var header: [String: Int]
        var endpoints: [Endpoint]
        var wordOrder = "ABCD"
        var reserved: [Reserved]
        var registers: [Entry]
    }

    /// The table as JSON: the endpoints and one entry per field with `name`, `address`,
    /// `count`, `encoding`, `access`, `unit`, `description`, `group`, and `values` for
    /// enumerations.
    public func json() throws -> String {
        let document = JSONDocument(
            profile: profile.rawValue, site: site, header: header, endpoints: endpoints,
            reserved: table.reserved.map { .init(address: $0.lowerBound, count: $0.count) },
            registers: rows.map { field in
                JSONDocument.Entry(
                    name: field.name, address: field.address, count: field.count, encoding: field.encoding,
                    access: field.access.rawValue, unit: field.unit, description: field.description, group: field.group,
                    values: field.values.map { Dictionary($0.map { ($0.name, $0.code) }) { first, _ in first } },
                    range: field.range.map { [$0.lowerBound, $0.upperBound] }, sentinel: field.unknownText)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    // MARK: - CSV

    /// The table as CSV, one row per field (RFC 4180 quoting).
    public func csv() -> String {
        var lines = ["name,address,count,encoding,access,unit,range,values,sentinel,description"]
        for field in rows {
            let cells = [
                field.name, "\(field.address)", "\(field.count)", field.encoding, field.access.rawValue, field.unit,
                rangeText(field), valuesText(field), field.unknownText, field.description,
            ]
            lines.append(cells.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Markdown

    /// The table as a Markdown document: connection, conventions, one section per heading.
    public func markdown(title: String) -> String {
        var out: [String] = []
        out.append("# \(title)")
        out.append("")
        out.append("Generated by `busbar map` from the register table in code; do not edit by hand.")
        out.append("")
        out.append("## Connection")
        out.append("")
        if endpoints.isEmpty {
            out.append("The site configures no `upstream` entry with `profile: \(profile.rawValue)`.")
        } else {
            out.append("| Listen | Unit id |")
            out.append("|---|---|")
            for endpoint in endpoints { out.append("| `\(endpoint.listen)` | \(endpoint.unit) |") }
        }
        out.append("")
        out.append("## Conventions")
        out.append("")
        out.append(contentsOf: conventions)
        for (title, fields) in sections {
            out.append("")
            out.append("## \(title)")
            out.append("")
            out.append(contentsOf: markdownTable(fields))
        }
        out.append("")
        out.append("## Reserved addresses")
        out.append("")
        out.append(reservedNote)
        out.append("")
        for gap in table.reserved {
            out.append("- \(gap.lowerBound)–\(gap.upperBound - 1)")
        }
        out.append("")
        return out.joined(separator: "\n")
    }

    /// One Markdown table of `fields`: address, name, count, encoding, access, unit, range or
    /// values, description.
    public func markdownTable(_ fields: [RegisterField<Point>]) -> [String] {
        var out = [
            "| Address | Name | Count | Encoding | Access | Unit | Range / values | Description |",
            "|---:|---|---:|---|---|---|---|---|",
        ]
        for field in fields {
            let values = [rangeText(field), valuesText(field)].filter { !$0.isEmpty }.joined(separator: "; ")
            let cells = [
                "\(field.address)", "`\(field.name)`", "\(field.count)", field.encoding, field.access.rawValue,
                field.unit, values, field.description,
            ]
            out.append(
                "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return out
    }

    /// The fields under their headings, in address order.
    private var sections: [(String, [RegisterField<Point>])] {
        var sections: [(String, [RegisterField<Point>])] = []
        for field in rows {
            let title = heading(field.group)
            if sections.last?.0 == title {
                sections[sections.count - 1].1.append(field)
            } else {
                sections.append((title, [field]))
            }
        }
        return sections
    }

    private func rangeText(_ field: RegisterField<Point>) -> String {
        guard let range = field.range else { return "" }
        return "\(Self.number(range.lowerBound))…\(Self.number(range.upperBound))"
    }

    private func valuesText(_ field: RegisterField<Point>) -> String {
        field.values?.map { "\($0.name)=\($0.code)" }.joined(separator: ", ") ?? ""
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
    }
}
