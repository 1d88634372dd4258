public import Vocabulary

/// One entry of a source's `fallback:` in the site file: the mode, with its parameters, that a
/// target returns to when no command holds it. A mode written without a target applies to the
/// cluster of its kind of device.
public struct SourceFallback: Sendable, Hashable, CustomStringConvertible {
    /// What a fallback applies to, as the site file names it.
    public enum Target: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// Every battery of the site (`ess`).
        case essCluster
        /// Every chargepoint of the site (`chargepoints`, or `evcs` as push targets name it).
        case chargepointCluster
        /// One device, by its id in the site file.
        case device(String)

        /// The cluster a mode of `kind` applies to when it names no target; `nil` for meters and PV.
        public static func cluster(of kind: DeviceKind) -> Target? {
            switch kind {
            case .battery: .essCluster
            case .chargepoint: .chargepointCluster
            case .meter, .pv: nil
            }
        }

        private var order: (Int, String) {
            switch self {
            case .essCluster: (0, "")
            case .chargepointCluster: (1, "")
            case .device(let id): (2, id)
            }
        }

        /// Clusters first (ESS, then chargepoints), then devices by id.
        public static func < (lhs: Target, rhs: Target) -> Bool { lhs.order < rhs.order }

        /// The name the site file uses: `ess`, `chargepoints` or the device id.
        public var description: String {
            switch self {
            case .essCluster: "ess"
            case .chargepointCluster: "chargepoints"
            case .device(let id): id
            }
        }
    }

    public var target: Target
    public var mode: ModeKind
    /// The mode's parameters in busbar's units (W, A), each inside its documented range; empty
    /// for a mode that takes none.
    public var parameters: [ModeParameter.Name: Double]

    public init(target: Target, mode: ModeKind, parameters: [ModeParameter.Name: Double] = [:]) {
        self.target = target
        self.mode = mode
        self.parameters = parameters
    }

    /// `mode` on the cluster of its kind, as a bare mode name in the site file means.
    public init(_ mode: ModeKind, parameters: [ModeParameter.Name: Double] = [:]) {
        self.init(target: Target.cluster(of: mode.deviceKind) ?? .essCluster, mode: mode, parameters: parameters)
    }

    /// The mode with its parameters and units: `LIMIT(current: 6 A)`.
    public var modeDescription: String { mode.describe(parameters) }

    /// `LIMIT(current: 6 A) on chargepoints`.
    public var description: String { "\(modeDescription) on \(target)" }
}
