import Vocabulary

extension Allocation {
    /// How strongly a device pulls on the residual in the given direction.
    static func weight(of slot: AllocationSlot, room: Double, upward: Bool, _ strategy: AllocationStrategy) -> Double {
        switch strategy {
        case .equal, .priority:
            return 1
        case .proportional:
            return room
        case .socBalancing:
            let soc = slot.soc.isNaN ? 50 : max(0, min(100, slot.soc))
            return upward ? soc : 100 - soc
        }
    }

    /// Positions of `slots` by descending priority, ties in input order.
    static func priorityOrder(_ slots: [AllocationSlot]) -> [Int] {
        slots.indices.sorted { lhs, rhs in
            slots[lhs].priority != slots[rhs].priority ? slots[lhs].priority > slots[rhs].priority : lhs < rhs
        }
    }

    /// Distributes `amount` (≥ 0) over devices with the given room and weights: in `order` one
    /// after the other when given, else by water-filling (shares proportional to weight; a
    /// device whose share would exceed its room gets its room and the rest is shared again).
    /// Devices with zero weight take part only once all weighted devices are full.
    static func fill(_ amount: Double, room: [Double], weights: [Double], order: [Int]?) -> [Double] {
        var given = Array(repeating: 0.0, count: room.count)
        var remaining = amount
        if let order {
            for index in order where remaining > 0 {
                given[index] = min(max(0, room[index]), remaining)
                remaining -= given[index]
            }
            return given
        }
        var open = room.indices.filter { room[$0] > 0 }
        while remaining > 0, !open.isEmpty {
            var pull = open.map { max(0, weights[$0].isFinite ? weights[$0] : 0) }
            if pull.reduce(0, +) <= 0 { pull = open.map { _ in 1 } }
            let totalPull = pull.reduce(0, +)
            let full = open.indices.filter { position in
                remaining * pull[position] / totalPull >= room[open[position]] - given[open[position]]
            }
            if full.isEmpty {
                for (position, index) in open.enumerated() {
                    given[index] += remaining * pull[position] / totalPull
                }
                remaining = 0
            } else {
                for position in full {
                    let index = open[position]
                    remaining -= room[index] - given[index]
                    given[index] = room[index]
                }
                let fullIndices = Set(full.map { open[$0] })
                open.removeAll { fullIndices.contains($0) }
            }
        }
        return given
    }

    /// Moves rounding error onto devices that still have room, so the sum is exact up to the
    /// last bit the bounds allow.
    static func settle(_ values: inout [Double], to total: Double, usable: [Int], bounds: [PowerInterval?]) {
        for index in usable {
            values[index] = bounds[index]!.clamp(values[index])
        }
        for _ in 0..<2 {
            var error = total - usable.reduce(0.0) { $0 + values[$1] }
            for index in usable where error != 0 {
                let interval = bounds[index]!
                let moved = interval.clamp(values[index] + error)
                error -= moved - values[index]
                values[index] = moved
            }
        }
    }
}
