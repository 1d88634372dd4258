import Control
import Testing
import Vocabulary

@Suite struct AllocationTests {
    private func slot(
        _ id: DeviceID, _ min: Double, _ max: Double, soc: Percent = 50, priority: Int = 0, online: Bool = true
    ) -> AllocationSlot {
        AllocationSlot(id: id, bounds: PowerInterval(min: min, max: max), online: online, soc: soc, priority: priority)
    }

    private func values(_ allocation: Allocation) -> [Double] {
        allocation.shares.map(\.value)
    }

    @Test func equalSplitMovesWhatAFullDeviceCannotTakeToTheOthers() {
        let allocation = Allocation(
            distributing: 12_000, over: [slot("a", 0, 3_000), slot("b", 0, 10_000), slot("c", 0, 10_000)],
            strategy: .equal)
        #expect(values(allocation) == [3_000, 4_500, 4_500])
        #expect(allocation.total == 12_000)
    }

    @Test func proportionalSplitFollowsAllowedPower() {
        let allocation = Allocation(
            distributing: 4_500, over: [slot("a", -1_000, 3_000), slot("b", -1_000, 6_000)], strategy: .proportional)
        #expect(values(allocation) == [1_500, 3_000])
    }

    @Test func socBalancingDischargesTheFullerBatteryMore() {
        let slots = [slot("a", -5_000, 5_000, soc: 80), slot("b", -5_000, 5_000, soc: 20)]
        #expect(values(Allocation(distributing: 3_000, over: slots, strategy: .socBalancing)) == [2_400, 600])
    }

    @Test func socBalancingChargesTheEmptierBatteryMore() {
        let slots = [slot("a", -5_000, 5_000, soc: 80), slot("b", -5_000, 5_000, soc: 20)]
        #expect(values(Allocation(distributing: -3_000, over: slots, strategy: .socBalancing)) == [-600, -2_400])
    }

    @Test func socBalancingFallsBackToEqualWhenNoBatteryHasWeight() {
        let slots = [slot("a", -5_000, 5_000, soc: 0), slot("b", -5_000, 5_000, soc: 0)]
        #expect(values(Allocation(distributing: 2_000, over: slots, strategy: .socBalancing)) == [1_000, 1_000])
    }

    @Test func priorityOrderFillsTheHighestPriorityFirst() {
        let slots = [
            slot("a", -2_000, 2_000, priority: 1), slot("b", -2_000, 2_000, priority: 5),
            slot("c", -2_000, 2_000, priority: 1),
        ]
        #expect(values(Allocation(distributing: 3_000, over: slots, strategy: .priority)) == [1_000, 2_000, 0])
    }

    @Test func targetBeyondTheDevicesIsClamped() {
        let slots = [slot("a", -2_000, 2_000), slot("b", -3_000, 1_000)]
        let allocation = Allocation(distributing: -50_000, over: slots, strategy: .equal)
        #expect(allocation.requested == -50_000)
        #expect(allocation.total == -5_000)
        #expect(values(allocation) == [-2_000, -3_000])
    }

    @Test func offlineDeviceGetsNothingAndItsShareMoves() {
        let allocation = Allocation(
            distributing: 3_000, over: [slot("a", 0, 5_000, online: false), slot("b", 0, 5_000)], strategy: .equal)
        #expect(values(allocation) == [0, 3_000])
        #expect(allocation["a"] == 0)
    }

    @Test func forcedBoundsAreKeptEvenAgainstTheTargetDirection() {
        let slots = [slot("a", 1_000, 2_000), slot("b", -5_000, 5_000)]
        let allocation = Allocation(distributing: 0, over: slots, strategy: .equal)
        #expect(values(allocation) == [1_000, -1_000])
    }

    @Test func noDevicesGiveNothing() {
        let allocation = Allocation(distributing: 1_000, over: [], strategy: .proportional)
        #expect(allocation.shares.isEmpty)
        #expect(allocation.total == 0)
    }

    @Test(arguments: AllocationStrategy.allCases)
    func degenerateInputsDoNotCrash(strategy: AllocationStrategy) {
        let allOffline = Allocation(distributing: 500, over: [slot("a", 0, 1, online: false)], strategy: strategy)
        #expect(values(allOffline) == [0] && allOffline.total == 0)
        let zeroBounds = Allocation(distributing: 500, over: [slot("a", 0, 0), slot("b", 0, 0)], strategy: strategy)
        #expect(values(zeroBounds) == [0, 0] && zeroBounds.total == 0)
        let nanTarget = Allocation(distributing: .nan, over: [slot("a", -1, 1)], strategy: strategy)
        #expect(values(nanTarget) == [0])
        let inverted = Allocation(
            distributing: 500, over: [slot("a", 10, -10), slot("b", 0, 1_000)], strategy: strategy)
        #expect(values(inverted) == [0, 500], "an empty interval makes a device unusable")
        let unbounded = Allocation(
            distributing: 500, over: [slot("a", -.infinity, .infinity), slot("b", 0, 100)], strategy: strategy)
        #expect(abs(values(unbounded).reduce(0, +) - 500) < 1e-6)
    }
}
