import Modbus
import Yams

extension DeviceMapDecoder {
    /// `blocks:` (`{type, address, count}`) or `barriers:` (`{type, address}`).
    func decodeBlocks(_ map: MappingReader, key: String) -> [Located<ReadBlock>] {
        let isBarrier = key == "barriers"
        let shape = isBarrier ? "{type: holding, address: 1100}" : "{type: holding, address: 300, count: 80}"
        guard let items = map.list(key, expected: "a list of \(shape)") else { return [] }
        return items.compactMap { item in
            guard
                let reader = MappingReader(
                    item, file: file, sink: sink, context: "a \(isBarrier ? "barrier" : "block")", expected: shape)
            else {
                return nil
            }
            reader.checkKeys(isBarrier ? ["type", "address"] : ["type", "address", "count"])
            let table = reader.choice("type", RegisterTable.self, what: "a register type")?.value ?? .holding
            let address = reader.integer(
                "address", in: 0...65535, required: true, expected: "the 0-based register address, 0 to 65535")
            let count =
                isBarrier
                ? Located(value: 1, location: reader.location)
                : reader.integer(
                    "count", in: 1...table.maxReadCount, required: true,
                    expected: "a count from 1 to \(table.maxReadCount) (one read)")
            guard let address, let count else { return nil }
            if address.value + count.value > ModbusLimits.addressSpace {
                sink.error(
                    address.location,
                    "address: found \(address.value) with count \(count.value), expected the block to end by 65535")
                return nil
            }
            return Located(
                value: ReadBlock(table: table, address: address.value, count: count.value), location: reader.location)
        }
    }

    /// Declared blocks must not overlap, and should each hold a point.
    func checkBlocks(_ blocks: [Located<ReadBlock>]) {
        for (index, block) in blocks.enumerated() {
            for other in blocks[..<index]
            where other.value.table == block.value.table && other.value.range.overlaps(block.value.range) {
                sink.error(
                    block.location,
                    "found a block on \(block.value.table)s \(Self.describe(block.value.range)) overlapping the block at line \(other.location.line), expected blocks that do not overlap"
                )
            }
            let covered = points.contains {
                $0.table == block.value.table && block.value.range.contains($0.address)
                    && $0.range.upperBound <= block.value.range.upperBound
            }
            if !covered {
                sink.warning(
                    block.location,
                    "found a block on \(block.value.table)s \(Self.describe(block.value.range)) that holds no point; it is never read"
                )
            }
            for point in points
            where point.table == block.value.table && point.range.overlaps(block.value.range)
                && !(block.value.range.contains(point.address)
                    && point.range.upperBound <= block.value.range.upperBound)
            {
                sink.warning(
                    pointLocations[point.name] ?? block.location,
                    "found point \"\(point.name)\" straddling the block at line \(block.location.line); it is read on its own"
                )
            }
        }
    }
}
