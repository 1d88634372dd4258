public import Vocabulary

/// The site as the gateway last saw it: the input of every decision.
public struct SiteSnapshot: Hashable, Sendable {
    /// Every controllable device, online or not, in site-file order.
    public var devices: [DeviceSnapshot]
    /// Grid power at the meter, W: positive = import, negative = export.
    public var gridPower: Watts

    public init(devices: [DeviceSnapshot], gridPower: Watts = 0) {
        self.devices = devices
        self.gridPower = gridPower
    }

    /// The device with `id`, if the site has it.
    public func device(_ id: DeviceID) -> DeviceSnapshot? {
        devices.first { $0.id == id }
    }

    /// The online devices of `kind`, in site-file order.
    public func online(_ kind: DeviceKind) -> [DeviceSnapshot] {
        devices.filter { $0.online && $0.kind == kind }
    }

    /// The online devices a target reaches: its cluster's, or the device itself.
    public func onlineDevices(of target: Target) -> [DeviceSnapshot] {
        switch target {
        case .essCluster: online(.battery)
        case .chargepointCluster: online(.chargepoint)
        case .device(let id): devices.filter { $0.id == id && $0.online }
        }
    }

    /// ESS active power of the online batteries, W (positive = discharge).
    public var essActivePower: Watts {
        online(.battery).reduce(0) { $0 + $1.activePower }
    }

    /// Cluster SoC of the online batteries (``ClusterSoc``); `nil` without online batteries.
    package var clusterSoc: Percent? {
        ClusterSoc.of(online(.battery).compactMap(\.battery).map { ($0.soc, $0.capacity > 0 ? $0.capacity : nil) })
    }
}
