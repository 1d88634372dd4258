/// The SunSpec models a device map reads (`sunspec: {models: [1, 124]}`). The map's addresses
/// assume the nominal layout: `SunS` at 40000 and the listed models back to back from 40002.
/// A real device may chain other models before them; the runtime walks its chain once at
/// connect (``DeviceMap/relocated(base:models:)``) and moves each model's points to where it found the
/// model, so a map does not depend on what else a device holds.
public struct SunSpecChain: Sendable, Hashable {
    /// Where one model sits.
    public struct Placement: Sendable, Hashable {
        public var id: Int
        /// The address of its ID word.
        public var address: Int
        /// Its L: the registers after the ID and L words.
        public var length: Int

        /// The registers of the model, header included.
        public var range: Range<Int> { address..<address + length + 2 }
    }

    public var models: [Int]

    public init(models: [Int]) {
        self.models = models
    }

    /// The base addresses SunSpec allows, in the order a master tries them.
    public static let bases = [40000, 0, 50000]
    /// The base the map's addresses assume.
    public static let nominalBase = 40000
    /// "SunS" in two registers.
    public static let marker: [UInt16] = [0x5375, 0x6E53]
    /// The end marker's model id (its length is 0).
    public static let endID = 0xFFFF

    /// The length L of the SunSpec models a map may list (fixed-length models; from the SunSpec
    /// model definitions).
    public static let lengths: [Int: Int] = [
        1: 66, 101: 50, 102: 50, 103: 50, 111: 60, 112: 60, 113: 60, 120: 26, 121: 30, 122: 44, 123: 24, 124: 24,
        201: 105, 202: 105, 203: 105, 204: 105, 701: 153, 802: 62,
    ]

    /// The listed models in the nominal layout.
    public var nominal: [Placement] {
        var address = Self.nominalBase + Self.marker.count
        return models.compactMap { id in
            guard let length = Self.lengths[id] else { return nil }
            defer { address += length + 2 }
            return Placement(id: id, address: address, length: length)
        }
    }

    /// Where the nominal layout's end marker sits.
    public var nominalEnd: Int { nominal.last.map(\.range.upperBound) ?? Self.nominalBase + Self.marker.count }
}

extension DeviceMap {
    /// The map with the points and read blocks of each listed model moved from its nominal
    /// address to the address `found` gives for its id (a model not in `found` stays), and a
    /// point on the `SunS` marker to `base`.
    public func relocated(base: Int, models found: [Int: Int]) -> DeviceMap {
        guard let sunspec else { return self }
        let marker = SunSpecChain.nominalBase..<SunSpecChain.nominalBase + SunSpecChain.marker.count
        let shifts =
            [(range: marker, shift: base - SunSpecChain.nominalBase)]
            + sunspec.nominal.compactMap { placement in
                found[placement.id].map { (range: placement.range, shift: $0 - placement.address) }
            }
        func shift(_ address: Int) -> Int {
            shifts.first { $0.range.contains(address) }.map { address + $0.shift } ?? address
        }
        var map = self
        for index in map.points.indices { map.points[index].address = shift(map.points[index].address) }
        for index in map.blocks.indices { map.blocks[index].address = shift(map.blocks[index].address) }
        for index in map.barriers.indices { map.barriers[index].address = shift(map.barriers[index].address) }
        return map
    }
}
