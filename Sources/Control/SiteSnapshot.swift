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

    /// Cluster SoC of the online batteries weighted by capacity; the plain mean when a capacity
    /// is unknown (OpenEMS `CalculateSoc`); `nil` without online batteries.
    public var clusterSoc: Percent? {
        let batteries = online(.battery).compactMap(\.battery)
        guard !batteries.isEmpty else { return nil }
        if batteries.allSatisfy({ $0.capacity > 0 }) {
            let capacity = batteries.reduce(0) { $0 + $1.capacity }
            return batteries.reduce(0) { $0 + $1.soc * $1.capacity } / capacity
        }
        return batteries.reduce(0) { $0 + $1.soc } / Double(batteries.count)
    }
}
