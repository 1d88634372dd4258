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
        case structure
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

    /// One record.
    public struct Entry: Sendable, Hashable {
        public var address: Int
        /// The component id; `_meta` for the header.
        package var component: String
        /// The index of the component in the layout; `nil` for the header.
        public var componentIndex: Int?
        /// The nature, for nature hash/length words and channels.
        public var nature: String?
        /// A readable name: the channel, or what the structure word holds.
        public var name: String
        public var role: Role
        public var type: OpenEMSType
        public var access: OpenEMSAccess
        /// The registers of a structure word, known when the table is built.
        public var fixed: [UInt16]?

        /// The addresses the record occupies.
        public var span: Range<Int> { address..<address + type.words }
    }

    /// The hash of "OpenEMS" in register 0.
    public static let openemsHash = OpenEMSNature.hash("OpenEMS")
    /// The meta block's length in register 1: the first component starts at 1 + 199.
    public static let metaLength = 199
    /// Where the first component block starts.
    public static let firstComponent = 1 + metaLength
    /// Words between a block's start and its first nature (id, length, padding).
    public static let blockHeader = 20

    public let layout: OpenEMSLayout
    /// By address.
    public let entries: [Entry]
    /// The first address after the table, spare words included.
    public let end: Int
    /// Entry index per address below `end`; -1 where no record is.
    private let owners: [Int32]

    public init(layout: OpenEMSLayout) {
        self.layout = layout
        var entries: [Entry] = []
        func add(_ entry: Entry) { entries.append(entry) }
        func structure(
            _ address: Int, _ component: String, _ index: Int?, _ nature: String?, _ name: String,
            _ type: OpenEMSType, _ value: OpenEMSValue
        ) {
            add(
                Entry(
                    address: address, component: component, componentIndex: index, nature: nature, name: name,
                    role: .structure, type: type, access: .readOnly, fixed: type.encode(value)))
        }
        func meta(_ address: Int, _ field: MetaField, _ type: OpenEMSType) {
            add(
                Entry(
                    address: address, component: "_meta", componentIndex: nil, nature: nil, name: field.rawValue,
                    role: .meta(field), type: type, access: .readOnly, fixed: nil))
        }
        structure(0, "_meta", nil, nil, "OpenEMS hash", .uint16, .number(Double(Self.openemsHash)))
        structure(1, "_meta", nil, nil, "Meta length", .uint16, .number(Double(Self.metaLength)))
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
                    add(
                        Entry(
                            address: natureStart + 2 + record.offset, component: component.id, componentIndex: index,
                            nature: nature.name, name: record.channel?.rawValue ?? "Reserved",
                            role: record.channel.map(Role.channel) ?? .reserved, type: record.type,
                            access: record.access,
                            fixed: nil))
                }
                natureStart += nature.length
            }
            end = natureStart
            start += length
        }
        entries.sort { $0.address < $1.address }
        var owners = [Int32](repeating: -1, count: end)
        for (index, entry) in entries.enumerated() {
            for address in entry.span {
                // Natures keep their last 20 words free, so blocks overlap only in unused words.
                precondition(owners[address] == -1, "OpenEMS table: two records at \(address)")
                owners[address] = Int32(index)
            }
        }
        self.entries = entries
        self.owners = owners
        self.end = end
    }

    /// The index of the record covering `address`.
    func entryIndex(at address: Int) -> Int? {
        guard address >= 0, address < end, owners[address] >= 0 else { return nil }
        return Int(owners[address])
    }

    /// The record covering `address`.
    public func entry(at address: Int) -> Entry? {
        entryIndex(at: address).map { entries[$0] }
    }

    /// The address of `channel` in the component `component`.
    public func address(of channel: OpenEMSChannel, in component: String) -> Int? {
        entries.first { $0.component == component && $0.role == .channel(channel) }?.address
    }

    /// Where each component block starts, by id, in table order.
    package var componentStarts: [(id: String, address: Int)] {
        entries.filter { $0.name == "Component-ID" }.map { ($0.component, $0.address) }
    }
}
