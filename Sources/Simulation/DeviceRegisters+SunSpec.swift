import Modbus
import SiteConfig

extension DeviceRegisters {
    /// The words a SunSpec map's device holds beside its points, so that a SunSpec master's
    /// scan finds a whole device: `SunS` at 40000, the ID and L of each model the map lists at
    /// its nominal address, the common model's manufacturer, model and serial (unless the map's
    /// own points hold them), and the end marker.
    static func sunspecStructure(of map: DeviceMap) -> [(address: Int, words: [UInt16])] {
        guard let chain = map.sunspec else { return [] }
        var structure: [(Int, [UInt16])] = [(SunSpecChain.nominalBase, SunSpecChain.marker)]
        for placement in chain.nominal {
            if placement.id == 1 {
                // Mn at +2, Md at +18, SN at +50: 16 registers each.
                let texts = [(2, "busbar simulation"), (18, map.name), (50, "simulated")]
                for (offset, text) in texts
                where !map.points.contains(where: { $0.range.contains(placement.address + offset) }) {
                    let words = try? RegisterCodec(valueType: .string(registers: 16)).encode(.string(text))
                    structure.append((placement.address + offset, words ?? []))
                }
            }
            structure.append((placement.address, [UInt16(placement.id), UInt16(placement.length)]))
        }
        structure.append((chain.nominalEnd, [UInt16(SunSpecChain.endID), 0]))
        return structure
    }

    /// The holding registers the structure spans, from `SunS` to the end marker.
    static func sunspecRange(of map: DeviceMap) -> Range<Int>? {
        map.sunspec.map { SunSpecChain.nominalBase..<$0.nominalEnd + 2 }
    }
}
