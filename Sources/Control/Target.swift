import Vocabulary

/// What a command addresses: a whole cluster or one device.
public enum Target: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// All batteries of the site, as one ESS; cluster targets are split over the online ones.
    case essCluster
    /// All chargepoints of the site.
    case chargepointCluster
    /// One device, by its id in the site file.
    case device(DeviceID)

    private var order: (Int, String) {
        switch self {
        case .essCluster: (0, "")
        case .chargepointCluster: (1, "")
        case .device(let id): (2, id.rawValue)
        }
    }

    /// Clusters first (ESS, then chargepoints), then devices by id.
    public static func < (lhs: Target, rhs: Target) -> Bool {
        lhs.order < rhs.order
    }

    /// Whether it addresses a cluster rather than one device.
    var isCluster: Bool {
        if case .device = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .essCluster: "ess"
        case .chargepointCluster: "evcs"
        case .device(let id): id.rawValue
        }
    }
}
