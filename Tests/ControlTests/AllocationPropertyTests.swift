import Control
import PropertyBased
import Testing
import Vocabulary

@Suite struct AllocationPropertyTests {
    /// Up to six devices with random bounds (crossing zero or not, sometimes empty-width),
    /// online state, SoC and priority, and a target that is sometimes beyond reach.
    private static let slots = zip(
        Gen.double(in: -10_000...10_000), Gen.double(in: 0...10_000), Gen<Bool>.bool(0.8), Gen.double(in: 0...100),
        Gen.int(in: 0...3)
    ).map { lower, width, online, soc, priority in
        AllocationSlot(
            id: "", bounds: PowerInterval(min: lower, max: lower + width), online: online, soc: soc, priority: priority)
    }.array(of: 0...6).map { slots in
        slots.enumerated().map { index, slot in
            var slot = slot
            slot.id = DeviceID("d\(index)")
            return slot
        }
    }
    private static let targets = Gen.double(in: -70_000...70_000)
    private static let strategies = Gen<AllocationStrategy>.case

    private static func reachable(_ slots: [AllocationSlot]) -> PowerInterval {
        let online = slots.filter(\.online)
        return PowerInterval(min: online.reduce(0) { $0 + $1.bounds.min }, max: online.reduce(0) { $0 + $1.bounds.max })
    }

    @Test func everyDeviceStaysWithinItsBounds() async {
        await propertyCheck(count: 500, input: Self.slots, Self.targets, Self.strategies) { slots, target, strategy in
            let allocation = Allocation(distributing: target, over: slots, strategy: strategy)
            #expect(allocation.shares.map(\.id) == slots.map(\.id))
            for (slot, share) in zip(slots, allocation.shares) {
                if slot.online {
                    #expect(slot.bounds.contains(share.value), "\(slot.id) got \(share.value) outside \(slot.bounds)")
                } else {
                    #expect(share.value == 0, "offline \(slot.id) got \(share.value)")
                }
            }
        }
    }

    @Test func sharesSumToTheClampedTarget() async {
        await propertyCheck(count: 500, input: Self.slots, Self.targets, Self.strategies) { slots, target, strategy in
            let allocation = Allocation(distributing: target, over: slots, strategy: strategy)
            let expected = slots.contains(where: \.online) ? Self.reachable(slots).clamp(target) : 0
            let sum = allocation.shares.reduce(0) { $0 + $1.value }
            #expect(abs(allocation.total - expected) <= 1e-6)
            #expect(abs(sum - expected) <= 1e-6, "sum \(sum), expected \(expected)")
        }
    }

    @Test func offlineDeviceShareMovesToTheOthers() async {
        await propertyCheck(count: 500, input: Self.slots, Self.targets, Self.strategies) { slots, target, strategy in
            guard let first = slots.first else { return }
            var online = slots
            online[0].online = true
            var offline = slots
            offline[0].online = false
            let before = Allocation(distributing: target, over: online, strategy: strategy)
            let after = Allocation(distributing: target, over: offline, strategy: strategy)
            #expect(after[first.id] == 0)
            guard offline.dropFirst().contains(where: \.online) else { return }
            let others = Self.reachable(offline)
            let othersBefore = before.shares.dropFirst().reduce(0) { $0 + $1.value }
            let othersAfter = after.shares.dropFirst().reduce(0) { $0 + $1.value }
            #expect(abs(othersAfter - others.clamp(target)) <= 1e-6, "the others give what they can")
            if Self.reachable(online).contains(target), others.contains(target) {
                #expect(abs(othersAfter - (othersBefore + before[first.id])) <= 1e-6, "the whole share moved")
            }
        }
    }

    @Test func noDeviceMovesAgainstTheTargetWhenAllMayIdle() async {
        await propertyCheck(count: 300, input: Self.slots, Self.targets, Self.strategies) { slots, target, strategy in
            let idling = slots.map { slot in
                var slot = slot
                slot.bounds = PowerInterval(min: -abs(slot.bounds.min), max: abs(slot.bounds.max))
                return slot
            }
            let allocation = Allocation(distributing: target, over: idling, strategy: strategy)
            for share in allocation.shares {
                #expect(target >= 0 ? share.value >= 0 : share.value <= 0)
            }
        }
    }
}
