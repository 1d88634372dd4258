public import Vocabulary

/// The split of a cluster target over devices: a pure function of the target, the devices and
/// the strategy.
///
/// Contract: the shares sum to the target clamped into the sum of the usable devices' bounds;
/// each usable device's share lies within its bounds; offline (or unusable) devices get 0, so
/// their share moves to the others. No input makes it fail: no devices, all offline, zero
/// bounds or a NaN target (taken as 0) give a well-defined result.
public struct Allocation: Hashable, Sendable {
    /// One device's share.
    public struct Share: Hashable, Sendable {
        /// The device.
        public var id: DeviceID
        /// Its share (W, or A where currents are shared).
        public var value: Double
    }

    /// Infinite bounds are capped here (1 TW), so the arithmetic stays finite.
    public static let powerCeiling: Double = 1e12

    /// The target as asked.
    public var requested: Double
    /// The target clamped into the sum of the usable devices' bounds: what the shares add up to.
    public var total: Double
    /// One share per input slot, in input order.
    public var shares: [Share]

    /// Splits `target` over `slots` with `strategy`.
    public init(distributing target: Double, over slots: [AllocationSlot], strategy: AllocationStrategy) {
        requested = target
        let bounds = slots.map(Self.usableBounds)
        let usable = slots.indices.filter { bounds[$0] != nil }
        let lower = usable.reduce(0.0) { $0 + bounds[$1]!.min }
        let upper = usable.reduce(0.0) { $0 + bounds[$1]!.max }
        let goal = PowerInterval(min: lower, max: upper).clamp(target.isNaN ? 0 : target)
        total = usable.isEmpty ? 0 : goal

        var values = slots.indices.map { index in bounds[index]?.clamp(0) ?? 0 }
        let residual = total - usable.reduce(0.0) { $0 + values[$1] }
        if residual != 0 {
            let upward = residual > 0
            let room = usable.map { index in
                upward ? bounds[index]!.max - values[index] : values[index] - bounds[index]!.min
            }
            let weights = zip(usable, room).map { index, room in
                Self.weight(of: slots[index], room: room, upward: upward, strategy)
            }
            let order = strategy == .priority ? Self.priorityOrder(usable.map { slots[$0] }) : nil
            let moves = Self.fill(abs(residual), room: room, weights: weights, order: order)
            for (position, index) in usable.enumerated() {
                values[index] += upward ? moves[position] : -moves[position]
            }
        }
        Self.settle(&values, to: total, usable: usable, bounds: bounds)
        shares = zip(slots, values).map { Share(id: $0.id, value: $1) }
    }

    /// The share of device `id`, 0 when it has none.
    public subscript(id: DeviceID) -> Double {
        shares.first { $0.id == id }?.value ?? 0
    }

    /// The bounds a slot may take, or `nil` when it takes no part (offline, empty or NaN).
    private static func usableBounds(_ slot: AllocationSlot) -> PowerInterval? {
        guard slot.online, !slot.bounds.isEmpty else { return nil }
        let ceiling = powerCeiling
        return PowerInterval(
            min: max(-ceiling, min(ceiling, slot.bounds.min)),
            max: max(-ceiling, min(ceiling, slot.bounds.max)))
    }
}
