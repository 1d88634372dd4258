public import SiteConfig

/// Finds a component's natures in an OpenEMS Edge's Modbus/TCP table the way OpenEMS's own
/// Edge2Edge master does (`AbstractEdge2Edge`, FC3 only), and moves a map's points to them:
///
/// 1. register 0 must hold 0x6201, the hash of "OpenEMS";
/// 2. register 1 holds the meta block's length: the first component block starts at 1 + it;
/// 3. at a block start S the 16-word id (NUL as space, trimmed); another component's block is
///    skipped by its length at S+16;
/// 4. in the component's block, with L at S+16, the natures from S+20, each as its hash and
///    its length, the next one at its start + length, while they start before S+20+L.
///
/// The map's `openems.natures` say where each nature starts in the layout its addresses are
/// written for; a point keeps its offset in its nature.
public struct Edge2EdgeDiscovery: Sendable, Hashable {
    /// One nature of the component as the Edge lays it out.
    public struct Nature: Sendable, Hashable {
        public var hash: UInt16
        /// The address of its hash word.
        public var start: Int
        /// Words, hash and length included.
        public var length: Int
    }

    /// Why the Edge's table does not serve the map.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Register 0 does not hold 0x6201 (OpenEMS: `RemoteNoOpenems`).
        case notOpenEMS(found: UInt16)
        /// No block carries the component id; the walk ended at `end`.
        case componentNotFound(String, end: Int)
        /// A block or nature length that does not chain (OpenEMS: `MappingRemoteProtocolFault`).
        case brokenChain(at: Int)
        /// The component has no nature the map's points use.
        case natureMissing(String)

        public var description: String {
            switch self {
            case .notOpenEMS(let found):
                "register 0 holds 0x\(String(found, radix: 16, uppercase: true)), not 0x6201 (not an OpenEMS Edge)"
            case .componentNotFound(let id, let end): "no component \"\(id)\" in the Edge's table (walked to \(end))"
            case .brokenChain(let address): "the Edge's block or nature lengths do not chain at \(address)"
            case .natureMissing(let name): "the component has no \(name) nature"
            }
        }
    }

    /// "OpenEMS".hashCode() & 0xFFFF, in register 0.
    public static let openemsHash = OpenEMSEdgeSpec.hash("OpenEMS")
    /// Words between a block's start and its first nature.
    static let blockHeader = 20
    static let idWords = 16

    public var component: String

    public init(component: String) {
        self.component = component
    }

    /// Walks the table with `read(address, count)` and returns the component's natures in order.
    /// - Throws: a `Failure`, or what `read` throws.
    public func natures(read: (_ address: Int, _ count: Int) throws -> [UInt16]) throws -> [Nature] {
        let hash = try read(0, 1)[0]
        guard hash == Self.openemsHash else { throw Failure.notOpenEMS(found: hash) }
        var start = 1 + Int(try read(1, 1)[0])
        // A table holds at most 65536 words; each block is at least one header long.
        while start + Self.blockHeader <= 65_536 {
            let id = Self.text(try read(start, Self.idWords))
            let length = Int(try read(start + Self.idWords, 1)[0])
            if id == component { return try natures(in: start, length: length, read: read) }
            guard length > 0, length != 0xFFFF, !id.isEmpty else {
                throw Failure.componentNotFound(component, end: start)
            }
            start += length
        }
        throw Failure.componentNotFound(component, end: start)
    }

    private func natures(
        in start: Int, length: Int, read: (_ address: Int, _ count: Int) throws -> [UInt16]
    ) throws -> [Nature] {
        var natures: [Nature] = []
        var address = start + Self.blockHeader
        while address < start + Self.blockHeader + length {
            let words = try read(address, 2)
            let nature = Nature(hash: words[0], start: address, length: Int(words[1]))
            guard nature.length > 2, address + nature.length <= 65_536 else { throw Failure.brokenChain(at: address) }
            natures.append(nature)
            address += nature.length
        }
        return natures
    }

    /// `map` with every point moved from where `openems.natures` put its nature to where the
    /// Edge has it.
    public static func relocate(_ map: DeviceMap, to natures: [Nature]) throws(Failure) -> DeviceMap {
        guard let spec = map.openems else { return map }
        var moved = map
        for index in moved.points.indices {
            let point = moved.points[index]
            guard let (name, defaultStart) = spec.nature(holding: point.address) else { continue }
            let hash = OpenEMSEdgeSpec.hash(name)
            let offset = point.address - defaultStart
            guard let found = natures.first(where: { $0.hash == hash }), offset + point.count <= found.length else {
                throw Failure.natureMissing(name)
            }
            moved.points[index].address = found.start + offset
        }
        return moved
    }

    /// A STRING16 as Edge2Edge reads it: US-ASCII, NUL as space, trimmed.
    static func text(_ words: [UInt16]) -> String {
        let bytes = words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }.map { $0 == 0 ? 0x20 : $0 }
        var text = Substring(String(decoding: bytes, as: Unicode.ASCII.self))
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
