import Modbus

/// Plans the reads of one poll cycle: the fewest requests that cover every readable point of a
/// map.
///
/// Per unit id (points may live on another unit than the device's, ``Point/unitID``) and per
/// table: points inside a declared block are read with that block, as declared. The rest
/// are taken in address order and merged into one read while the read stays within the
/// table's cap (125 registers, 2000 bits), the unused registers bridged stay within
/// `max_gap`, and the read does not span a barrier (registers below a barrier address and at
/// or above it are never read together). Taking each point into the current read whenever it
/// fits is optimal here: every constraint only looks at the read's first and last address.
public enum ReadPlanner {
    public static func plan(map: DeviceMap) -> [PlannedRead] {
        // The device's own unit first, then the others in ascending order.
        let units = Set(map.points.map(\.unitID)).sorted { ($0 ?? -1) < ($1 ?? -1) }
        return units.flatMap { unit in
            plan(map: map, points: map.points.filter { $0.unitID == unit }).map { read in
                var read = read
                read.unit = unit
                return read
            }
        }
    }

    private static func plan(map: DeviceMap, points all: [Point]) -> [PlannedRead] {
        var reads: [PlannedRead] = []
        for table in RegisterTable.allCases.reversed() {  // holding, input, discrete, coil
            let points = all.filter { $0.table == table && $0.access.isReadable }
            guard !points.isEmpty else { continue }
            let blocks = map.blocks.filter { $0.table == table }
            var loose: [Point] = []
            var inBlocks: [ReadBlock: [Point]] = [:]
            for point in points {
                if let block = blocks.first(where: {
                    $0.range.contains(point.address) && point.range.upperBound <= $0.range.upperBound
                }) {
                    inBlocks[block, default: []].append(point)
                } else {
                    loose.append(point)
                }
            }
            for block in blocks {
                guard let covered = inBlocks[block] else { continue }
                reads.append(
                    PlannedRead(table: table, address: block.address, count: block.count, points: names(covered)))
            }
            let barriers = map.barriers.filter { $0.table == table }.map(\.address)
            reads += coalesce(loose, table: table, maxGap: map.maxGap, barriers: barriers)
        }
        return reads.sorted { (order($0.table), $0.address) < (order($1.table), $1.address) }
    }

    private static func coalesce(_ points: [Point], table: RegisterTable, maxGap: Int, barriers: [Int]) -> [PlannedRead]
    {
        let sorted = points.sorted { ($0.address, $0.count) < ($1.address, $1.count) }
        var reads: [PlannedRead] = []
        var current: (start: Int, end: Int, points: [Point])?
        for point in sorted {
            if let open = current {
                let end = max(open.end, point.range.upperBound)
                let gap = point.address - open.end
                let crossesBarrier = barriers.contains { $0 > open.start && $0 < end }
                if gap <= maxGap, end - open.start <= table.maxReadCount, !crossesBarrier {
                    current = (open.start, end, open.points + [point])
                    continue
                }
                reads.append(
                    PlannedRead(
                        table: table, address: open.start, count: open.end - open.start, points: names(open.points)))
            }
            current = (point.address, point.range.upperBound, [point])
        }
        if let open = current {
            reads.append(
                PlannedRead(table: table, address: open.start, count: open.end - open.start, points: names(open.points))
            )
        }
        return reads
    }

    private static func names(_ points: [Point]) -> [String] {
        points.sorted { ($0.address, $0.name) < ($1.address, $1.name) }.map(\.name)
    }

    /// Holding registers first: that is where most devices keep most points.
    private static func order(_ table: RegisterTable) -> Int {
        switch table {
        case .holding: 0
        case .input: 1
        case .discrete: 2
        case .coil: 3
        }
    }
}
