public import GatewayState
public import SiteConfig
import Vocabulary

/// The components an OpenEMS master sees, in table order: `_sum`, the ESS cluster, the meters,
/// then the chargepoints. Fixed for the life of a profile: the table is built from it once.
public struct OpenEMSLayout: Sendable, Hashable {
    /// One component block of the table.
    public struct Component: Sendable, Hashable {
        /// What the component renders from the snapshot.
        public enum Kind: Sendable, Hashable {
            /// The site's sums (`_sum`).
            case sum
            /// The ESS cluster: all batteries as one managed ESS.
            case ess
            /// One meter device of the site, by its id in the site file.
            case meter(device: String)
            /// One chargepoint of the site, by its id in the site file.
            case evcs(device: String)
        }

        /// The OpenEMS component id (`_sum`, `ess0`, `meter0`, `evcs0`, …).
        public var id: String
        public var kind: Kind
        /// In OpenEMS's order for such a component.
        package var natures: [OpenEMSNature]

        public init(id: String, kind: Kind, natures: [OpenEMSNature]) {
            self.id = id
            self.kind = kind
            self.natures = natures
        }
    }

    public var components: [Component]

    /// - Parameters:
    ///   - essID: the ESS cluster's component id, which the master names as `remoteComponentId`.
    ///   - meters: meter device ids, shown as `meter0`, `meter1`, … (the first one is the grid meter).
    ///   - chargepoints: chargepoint device ids, shown as `evcs0`, `evcs1`, …
    public init(essID: String = "ess0", meters: [String] = [], chargepoints: [String] = []) {
        var components = [
            Component(id: "_sum", kind: .sum, natures: [.openemsComponent, .sum]),
            // A generic managed ESS (`AbstractGenericManagedEss`): ManagedSymmetricEss third,
            // which puts SetActivePowerEquals at 706 behind `_sum`.
            Component(id: essID, kind: .ess, natures: [.openemsComponent, .symmetricEss, .managedSymmetricEss]),
        ]
        for (index, device) in meters.enumerated() {
            components.append(
                Component(
                    id: "meter\(index)", kind: .meter(device: device), natures: [.openemsComponent, .electricityMeter]))
        }
        for (index, device) in chargepoints.enumerated() {
            components.append(
                Component(
                    id: "evcs\(index)", kind: .evcs(device: device),
                    natures: [.openemsComponent, .electricityMeter, .evcs, .managedEvcs]))
        }
        self.components = components
    }
}

extension OpenEMSProfile {
    /// The layout of `site`: every meter and chargepoint in site-file order.
    public static func layout(for site: Site, maps: [String: DeviceMap], essID: String = "ess0") -> OpenEMSLayout {
        layout(of: site.devices.map { ($0.id, maps[$0.mapPath]?.kind) }, essID: essID)
    }

    /// The layout of the site a snapshot shows: its devices are in site-file order, so this is
    /// the layout of `layout(for:maps:)` (the REST API reads it per request, so a reload is
    /// followed).
    public static func layout(for snapshot: GatewaySnapshot, essID: String = "ess0") -> OpenEMSLayout {
        layout(of: snapshot.devices.map { ($0.id, $0.kind) }, essID: essID)
    }

    private static func layout(of devices: [(id: String, kind: DeviceKind?)], essID: String) -> OpenEMSLayout {
        func ids(_ kind: DeviceKind) -> [String] { devices.filter { $0.kind == kind }.map(\.id) }
        return OpenEMSLayout(essID: essID, meters: ids(.meter), chargepoints: ids(.chargepoint))
    }
}
