/// How a cluster target is shared over the site's batteries (docs/design.md §2.7).
public enum AllocationStrategy: String, Sendable, Hashable, CaseIterable {
    case equal
    /// Proportional to each device's allowed power.
    case proportional
    /// SoC-balancing.
    case soc
    /// In device priority order.
    case priority
}
