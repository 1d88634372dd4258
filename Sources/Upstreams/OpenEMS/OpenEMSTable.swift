/// The register table of OpenEMS's Modbus/TCP API for one layout, as data: every record with
/// its address, component, nature, channel, type and access. Built once; the profile renders
/// the values of a request from one snapshot.
///
/// Layout (docs/openems.md, "The table"): the hash of "OpenEMS" at 0, the meta block's length (199)
/// at 1, the meta block, then component blocks from 200. A block holds its id (STRING16), at
/// +16 the sum of its natures' lengths L, and from +20 its natures, each as [hash, length,
/// records]. The next block starts at +L, over the last 20 (always unused) words of the
/// previous block's last nature, as in OpenEMS; the last block keeps them as spare words.
public struct OpenEMSTable: Sendable {
    /// What a record is.
    public enum Role: Sendable, Hashable {
        /// A fixed word or string of the header and block structure.
        case structure(FieldValue)
        /// A meta-block value rendered per request.
        case meta(MetaField)
        /// A channel of a component.
        case channel(OpenEMSChannel)
        /// A reserved record: reads undefined, refuses writes.
        case reserved
    }

    /// The meta block's values.
    public enum MetaField: String, Sendable, Hashable {
        case versionMajor, versionMinor, versionPatch
        case manufacturer, model, options, version, serialNumber, emsSerialNumber
        case systemTimeUtc
    }

    /// What one record of the table stands for.
    public struct Point: Sendable, Hashable {
        /// The component id; `_meta` for the header.
        public var component: String
        /// The index of the component in the layout; `nil` for the header.
        public var componentIndex: Int?
        /// The nature, for nature hash/length words and channels.
        public var nature: String?
        public var role: Role
    }

    /// One record.
    public typealias Entry = RegisterField<Point>

    /// The hash of "OpenEMS" in register 0.
    public static let openemsHash = OpenEMSNature.hash("OpenEMS")
    /// The meta block's length in register 1: the first component starts at 1 + 199.
    public static let metaLength = 199
    /// Where the first component block starts.
    public static let firstComponent = 1 + metaLength
    /// Words between a block's start and its first nature (id, length, padding).
    public static let blockHeader = 20
    /// The group of the meta block's records.
    public static let metaGroup = "_meta"

    public let layout: OpenEMSLayout
    /// Every record, by address; the end keeps the last nature's spare words.
    public let fields: ProfileTable<Point>

    public init(layout: OpenEMSLayout) {
        self.layout = layout
        var entries: [Entry] = []
        func add(
            _ address: Int, _ point: Point, _ name: String, _ type: OpenEMSType, _ access: OpenEMSAccess,
            unit: String = ""
        ) {
            entries.append(
                Entry(
                    name: name, address: address, type: type.valueType, encoding: type.rawValue,
                    access: access.fieldAccess, unit: unit, group: point.component, style: .truncating, point: point))
        }
        func structure(
            _ address: Int, _ component: String, _ index: Int?, _ nature: String?, _ name: String,
            _ type: OpenEMSType, _ value: FieldValue
        ) {
            let point = Point(component: component, componentIndex: index, nature: nature, role: .structure(value))
            let qualified = [component, nature, name].compactMap { $0 }.joined(separator: "/")
            add(address, point, qualified, type, .readOnly)
        }
        func meta(_ address: Int, _ field: MetaField, _ type: OpenEMSType) {
            let point = Point(component: Self.metaGroup, componentIndex: nil, nature: nil, role: .meta(field))
            add(address, point, "_meta/\(field.rawValue)", type, .readOnly)
        }
        structure(0, Self.metaGroup, nil, nil, "Hash", .uint16, .number(Double(Self.openemsHash)))
        structure(1, Self.metaGroup, nil, nil, "Length", .uint16, .number(Double(Self.metaLength)))
        meta(2, .versionMajor, .uint16)
        meta(3, .versionMinor, .uint16)
        meta(4, .versionPatch, .uint16)
        meta(5, .manufacturer, .string16)
        meta(21, .model, .string16)
        meta(37, .options, .string16)
        meta(53, .version, .string16)
        meta(69, .serialNumber, .string16)
        meta(85, .emsSerialNumber, .string16)
        meta(101, .systemTimeUtc, .uint64)

        var start = Self.firstComponent
        var end = start
        for (index, component) in layout.components.enumerated() {
            let length = component.natures.reduce(0) { $0 + $1.length }
            structure(start, component.id, index, nil, "Component-ID", .string16, .text(component.id))
            structure(start + 16, component.id, index, nil, "Length", .uint16, .number(Double(length)))
            var natureStart = start + Self.blockHeader
            for nature in component.natures {
                structure(natureStart, component.id, index, nature.name, "Hash", .uint16, .number(Double(nature.hash)))
                structure(
                    natureStart + 1, component.id, index, nature.name, "Length", .uint16, .number(Double(nature.length))
                )
                for record in nature.records {
                    let point = Point(
                        component: component.id, componentIndex: index, nature: nature.name,
                        role: record.channel.map(Role.channel) ?? .reserved)
                    let name = "\(component.id)/\(record.channel?.rawValue ?? "\(nature.name)/Reserved")"
                    add(
                        natureStart + 2 + record.offset, point, name, record.type, record.access,
                        unit: record.channel?.unit ?? "")
                }
                natureStart += nature.length
            }
            end = natureStart
            start += length
        }
        // Natures keep their last 20 words free, so blocks overlap only in unused words.
        self.fields = ProfileTable(entries, end: end)
    }

    /// Every record, by address.
    public var entries: [Entry] { fields.fields }
    /// The first address after the table, spare words included.
    public var end: Int { fields.end }

    /// The record covering `address`.
    public func entry(at address: Int) -> Entry? { fields.field(at: address) }

    /// The address of `channel` in the component `component`.
    public func address(of channel: OpenEMSChannel, in component: String) -> Int? {
        entries.first { $0.point.component == component && $0.point.role == .channel(channel) }?.address
    }

    /// The records of channels, in table order: what the REST API's `/rest/channel` serves.
    public var channels: [(channel: OpenEMSChannel, entry: Entry)] {
        entries.compactMap { entry in
            guard case .channel(let channel) = entry.point.role else { return nil }
            return (channel, entry)
        }
    }

    /// Where each component block starts, by id, in table order.
    package var componentStarts: [(id: String, address: Int)] {
        entries.filter { $0.name == "\($0.point.component)/Component-ID" }.map { ($0.point.component, $0.address) }
    }
}
