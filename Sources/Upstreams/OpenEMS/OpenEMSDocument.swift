public import SiteConfig

/// The document of a site's OpenEMS table (`busbar map --profile openems`): every record with
/// its address, component, type and access, generated from ``OpenEMSTable`` by the shared
/// ``TableDocument``. docs/openems.md's address table is ``addressTable()`` for the demo site.
public struct OpenEMSDocument: Sendable {
    public var table: OpenEMSTable
    public var document: TableDocument<OpenEMSTable.Point>

    /// The document for a loaded site: its layout, and its `upstream` entries with profile openems.
    public init(site: LoadedSite) {
        let table = OpenEMSTable(layout: OpenEMSProfile.layout(for: site.site, maps: site.maps))
        self.init(table: table, site: site.site.name, upstreams: site.site.upstreams)
    }

    public init(table: OpenEMSTable, site: String, upstreams: [UpstreamConfig]) {
        self.table = table
        self.document = TableDocument(
            profile: .openems, site: site, table: table.fields, upstreams: upstreams,
            header: ["hash": Int(OpenEMSTable.openemsHash), "metaLength": OpenEMSTable.metaLength],
            conventions: Self.conventions,
            reservedNote:
                "These ranges hold no record (padding, reserved records, the last nature's spare words): "
                + "they read as 0xFFFF or the record's undefined value and refuse writes with 0x02.",
            heading: { group in group == OpenEMSTable.metaGroup ? "Header and meta block" : "Component `\(group)`" })
    }

    public func json() throws -> String { try document.json() }
    public func csv() -> String { document.csv() }
    public func markdown() -> String { document.markdown(title: "busbar OpenEMS table: \(document.site)") }

    /// The records that carry a value or a structure word (reserved placeholders left out), as
    /// one Markdown table.
    public func addressTable() -> String {
        document.markdownTable(table.entries.filter { $0.access != .reserved }).joined(separator: "\n") + "\n"
    }

    private static let conventions = [
        "- The layout of OpenEMS's Modbus/TCP API (`Controller.Api.ModbusTcp.ReadWrite`): docs/openems.md. "
            + "Unit id 1; FC3 and FC4 read the same table, up to 126 registers; FC16 (FC6 for 1-word records) writes.",
        "- Records are big-endian, high word first. Unknown values read as NaN (floats), all ones (integers) or NUL "
            + "words (STRING16).",
        "- Names are OpenEMS channel addresses (`component/Channel`); structure words are `component/Nature/Hash` "
            + "and `component/Nature/Length`.",
    ]
}
