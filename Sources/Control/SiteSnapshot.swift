public import Vocabulary

/// The site as the gateway last saw it: the input of every decision.
public struct SiteSnapshot: Hashable, Sendable {
    /// Every controllable device, online or not, in site-file order.
    public var devices: [DeviceSnapshot]
    /// Grid power at the meter, W (positive = import, negative = export), with when it was
    /// read; `nil` without an online grid meter (never 0 W for "unknown").
    public var grid: Reading?

    public init(devices: [DeviceSnapshot], grid: Reading?) {
        self.devices = devices
        self.grid = grid
    }

    /// A site whose grid power is known without its time (it counts as fresh).
    public init(devices: [DeviceSnapshot], gridPower: Watts? = 0) {
        self.init(devices: devices, grid: gridPower.map { Reading($0, at: nil) })
    }

    /// Grid power at the meter, W; `nil` when unknown.
    public var gridPower: Watts? { grid?.value }

    /// Whether the grid meter's reading is there and at most `maxAge` old at `now`.
    func hasFreshGrid(at now: ControlInstant, maxAge: Duration) -> Bool {
        guard let grid, !grid.value.isNaN else { return false }
        return grid.age(at: now) <= maxAge
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
        ClusterSoc.of(
            online(.battery).compactMap(\.battery).compactMap { battery in
                battery.soc.map { ($0, battery.capacity > 0 ? battery.capacity : nil) }
            })
    }
}
