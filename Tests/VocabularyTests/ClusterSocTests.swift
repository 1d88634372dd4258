import Testing
import Vocabulary

@Suite struct ClusterSocTests {
    @Test func capacitiesWeighTheSoc() {
        let batteries: [(soc: Percent, capacity: WattHours?)] = [(80, 30_000), (20, 10_000)]
        let soc = ClusterSoc.of(batteries)
        #expect(soc == 65)
    }

    @Test func oneMissingCapacityGivesThePlainMeanNotAZeroWeight() {
        let unknown: [(soc: Percent, capacity: WattHours?)] = [(80, 30_000), (20, nil)]
        let zero: [(soc: Percent, capacity: WattHours?)] = [(80, 30_000), (20, 0)]
        #expect(ClusterSoc.of(unknown) == 50)
        #expect(ClusterSoc.of(zero) == 50)
    }

    @Test func noBatteriesHaveNoSoc() {
        #expect(ClusterSoc.of([(soc: Percent, capacity: WattHours?)]()) == nil)
    }
}
