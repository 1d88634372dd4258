public import SiteConfig

/// The document of a site's SunSpec table (`busbar map --profile sunspec`): every point of
/// every model with its address, SunSpec type, access and what busbar shows in it, generated
/// from ``SunSpecTable`` by the shared ``TableDocument``.
public struct SunSpecDocument: Sendable {
    public var table: SunSpecTable
    public var document: TableDocument<SunSpecTable.Point>

    public init(site: LoadedSite) {
        self.init(
            table: SunSpecTable(site: site.site, maps: site.maps), site: site.site.name, upstreams: site.site.upstreams)
    }

    public init(table: SunSpecTable, site: String, upstreams: [UpstreamConfig]) {
        self.table = table
        var header = ["base": SunSpecTable.base]
        for placement in table.placements { header["model\(placement.model.id)"] = placement.address }
        let titles = Dictionary(table.placements.map { ("\($0.model.id)", $0) }) { first, _ in first }
        self.document = TableDocument(
            profile: .sunspec, site: site, table: table.fields, upstreams: upstreams, header: header,
            conventions: Self.conventions,
            reservedNote: "Every word from 40000 to the end marker belongs to a point; reads outside get 0x02.",
            heading: { group in
                guard let placement = titles[group] else { return group == "end" ? "End marker" : "Marker" }
                return "Model \(placement.model.id), \(placement.model.title) (at \(placement.address))"
            })
    }

    public func json() throws -> String { try document.json() }
    public func csv() -> String { document.csv() }
    public func markdown() -> String { document.markdown(title: "busbar SunSpec device: \(document.site)") }

    private static let conventions = [
        "- A SunSpec device at 40000 (docs/sunspec.md): `SunS`, model 1, then the site's models, then the end "
            + "marker 0xFFFF, 0. FC3 and FC4 read the same words, up to 125 per request; FC6 and FC16 write model 124.",
        "- Values are raw × 10^SF, where SF is the value of the point's scale factor (`W` with `W_SF`). Points busbar "
            + "does not fill read SunSpec's \"not implemented\" value: 0x8000 (int16, sunssf), 0xFFFF (uint16, enum16, "
            + "bitfield16), 0xFFFFFFFF (uint32, bitfield32), 0 (acc32, pad), NUL text.",
        "- Signs are busbar's: battery power positive = discharge, grid power positive = import.",
        "- Writes to model 124 are commands of the source `sunspec`; the rest refuses writes with 0x02.",
    ]
}
