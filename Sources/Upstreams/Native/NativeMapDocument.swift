import Modbus
public import SiteConfig

/// The document an EMS integrator gets for a site's native map (`busbar map`): where to connect,
/// the conventions, and every point, generated from ``NativeRegisterMap`` in Markdown, CSV or
/// JSON by the shared ``TableDocument``.
public struct NativeMapDocument: Sendable {
    public var map: NativeRegisterMap
    public var document: TableDocument<NativePoint>

    /// The document for a loaded site: its map, and its `upstream` entries with profile native.
    public init(site: LoadedSite) {
        self.init(map: NativeRegisterMap(site: site), upstreams: site.site.upstreams)
    }

    public init(map: NativeRegisterMap, upstreams: [UpstreamConfig]) {
        self.map = map
        self.document = TableDocument(
            profile: .native, site: map.siteName, table: map.table, upstreams: upstreams,
            header: ["version": Int(NativeRegisterMap.version), "magic": Int(NativeRegisterMap.magic)],
            conventions: Self.conventions,
            reservedNote: "Inside the table these ranges hold no point: they read as 0 and refuse writes with 0x02.",
            heading: Self.heading)
    }

    /// The map as JSON (``TableDocument/json()``).
    public func json() throws -> String { try document.json() }
    /// The map as CSV, one row per point.
    public func csv() -> String { document.csv() }
    /// The map as a Markdown document for the EMS integrator.
    public func markdown() -> String { document.markdown(title: "busbar native register map: \(map.siteName)") }

    static var conventions: [String] {
        let types: [ValueType] = [.int16, .uint16, .int32, .uint32, .uint64, .float32, .string(registers: 1)]
        let sentinels = types.map { "\($0.name) \($0.unknownText)" }.joined(separator: ", ")
        return [
            "- Addresses are 0-based PDU addresses. FC3 (holding) and FC4 (input) read the same table; FC6 and FC16 write. "
                + "FC1, FC2, FC5 and FC15 get exception 0x01.",
            "- Multi-register values are big-endian, high word first (ABCD). Strings are UTF-8, two bytes per register, "
                + "zero-padded.",
            "- Signs follow OpenEMS: ESS power positive = discharge, negative = charge; grid power positive = import; "
                + "chargepoint power positive = charging; PV power positive = producing.",
            "- An unknown value (no decision yet, a device offline, no meter) reads as its type's sentinel: \(sentinels).",
            "- Header: `header.magic` is 0x\(String(NativeRegisterMap.magic, radix: 16, uppercase: true)), "
                + "`header.version` is \(NativeRegisterMap.version). Device blocks start at `header.deviceBase` with a "
                + "stride of `header.deviceStride` registers, in the site file's order.",
            "- Another unit id gets exception 0x0A (gateway path unavailable).",
            "- A mode takes effect when the write that contains its mode register completes, with the parameter and "
                + "duration of its block: those in the same write, else the ones written before. So one FC16 of mode, "
                + "parameter and duration sets a mode atomically. A write of only a parameter or a duration stages it "
                + "for the next mode write and changes nothing in force.",
            "- Duration 0 means the mode lasts while the master refreshes its watchdog: every accepted write does, and "
                + "so does `site.heartbeat`. When the watchdog or the duration runs out, the target returns to its "
                + "configured fallback.",
            "- AUTO is a mode like the others (no override; it keeps a non-AUTO fallback away while it is in force). "
                + "RELEASE (255) ends what this master holds on the target, which returns to its fallback.",
            "- A mode that no online device can carry out is accepted, and shows as not active; `availableModes` "
                + "has bit n set for each mode code n the target can carry out now.",
            "- Invalid writes change nothing: 0x02 for a reserved, read-only or unknown address; 0x03 for half of a "
                + "32-bit value, a value outside the range, an unknown mode, or a mode whose parameter is out of its "
                + "range; 0x04 when the gateway's configuration refuses the master's source.",
        ]
    }

    @Sendable private static func heading(_ group: String) -> String {
        switch group {
        case NativeLayout.headerGroup: "Header"
        case NativeLayout.telemetryGroup: "Site telemetry"
        case NativeLayout.controlGroup: "Cluster control"
        case NativeLayout.statusGroup: "Cluster status"
        default: "Device \(group)"
        }
    }
}
