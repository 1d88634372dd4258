/// The state of charge of several batteries seen as one: weighted by capacity when every
/// battery's capacity is known, the plain mean otherwise (as OpenEMS `CalculateSoc` does), so a
/// missing capacity never makes one battery count for nothing.
public enum ClusterSoc {
    /// The cluster SoC of `batteries` (their SoC and capacity in Wh, `nil` when unknown); `nil`
    /// when there are none.
    public static func of(_ batteries: some Collection<(soc: Percent, capacity: WattHours?)>) -> Percent? {
        guard !batteries.isEmpty else { return nil }
        let capacities = batteries.compactMap(\.capacity).filter { $0 > 0 }
        if capacities.count == batteries.count {
            let total = capacities.reduce(0, +)
            return batteries.reduce(0) { $0 + $1.soc * $1.capacity! } / total
        }
        return batteries.reduce(0) { $0 + $1.soc } / Double(batteries.count)
    }
}
