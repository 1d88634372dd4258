import SiteConfig

extension SimulatedDevice {
    /// The most this PV device produces now, W: its rated `max_power`, lowered by its
    /// curtailment registers through the map's `simulation.limit` (negative: no limit).
    var productionCap: Double {
        var cap = config.ratings.maxPower ?? .infinity
        if let expression = spec.limit, let limit = evaluate(expression), limit >= 0 { cap = min(cap, limit) }
        return cap
    }

    /// Produces what the sun offers it, up to its cap, for `seconds`; returns the power, W.
    @discardableResult
    func runPV(offered: Double, seconds: Double) -> Double {
        power = max(0, min(offered, productionCap))
        produced += power * seconds / 3600
        return power
    }
}

extension [SimulatedDevice] {
    /// Shares the site's PV among these PV devices: in proportion to their rated `max_power`
    /// when every one has a rating, else equally.
    func pvShares() -> [Double] {
        let ratings = map { $0.config.ratings.maxPower }
        if !isEmpty, ratings.allSatisfy({ ($0 ?? 0) > 0 }) {
            let total = ratings.reduce(0) { $0 + ($1 ?? 0) }
            return ratings.map { ($0 ?? 0) / total }
        }
        return [Double](repeating: 1 / Double(Swift.max(count, 1)), count: count)
    }
}
