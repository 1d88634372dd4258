public import Control
public import SiteConfig
public import Vocabulary

/// Everything the upstream profiles publish, taken at one instant: device telemetry after the
/// last poll and the control core's decision. Profiles render registers from this value only,
/// so a read never sees half of an update.
public struct GatewaySnapshot: Sendable {
    /// The site's name from the site file.
    public var siteName: String
    /// When the snapshot was taken, on the control core's clock.
    public var at: ControlInstant
    /// Every device of the site, in site-file order.
    public var devices: [DeviceStatus]
    /// The control core's latest decision (active and available modes, device orders).
    public var decision: Decision?
    /// Grid active power, W (positive = import), from the site's meter; `nil` without a meter or
    /// while the meter is offline.
    public var gridPower: Double?
    /// Other names the JSON APIs take for targets (the site file's `aliases:`, `ess0` for `ess`
    /// by default), alias → target.
    public var aliases: [String: Target] = [:]
    /// Where the site is (the site file's `location:`), for `until: sunrise|sunset`.
    public var location: SiteLocation?

    public init(siteName: String, at: ControlInstant, devices: [DeviceStatus], decision: Decision?, gridPower: Double?)
    {
        self.siteName = siteName
        self.at = at
        self.devices = devices
        self.decision = decision
        self.gridPower = gridPower
    }

    /// Every battery, online or not.
    public var batteries: [DeviceStatus] { devices.filter { $0.kind == .battery } }
    /// Every chargepoint, online or not.
    public var chargepoints: [DeviceStatus] { devices.filter { $0.kind == .chargepoint } }

    /// Cluster SoC in % over the online batteries that report one (``ClusterSoc``).
    public var essSoc: Double? {
        ClusterSoc.of(
            batteries.filter(\.online).compactMap { battery in battery.value(.soc).map { ($0, battery.capacity) } })
    }

    /// Sum of online batteries' active power, W (positive = discharge).
    public var essActivePower: Double {
        batteries.filter(\.online).reduce(0) { $0 + ($1.value(.activePower) ?? 0) }
    }

    /// Sum of the online batteries' capacities, Wh.
    public var essCapacity: Double {
        batteries.filter(\.online).reduce(0) { $0 + ($1.capacity ?? 0) }
    }

    /// Sum of online chargepoints' active power, W.
    public var evcsActivePower: Double {
        chargepoints.filter(\.online).reduce(0) { $0 + ($1.value(.activePower) ?? 0) }
    }

    /// Every PV inverter or PV meter, online or not.
    public var pvDevices: [DeviceStatus] { devices.filter { $0.kind == .pv } }

    /// The site's PV production, W ≥ 0: the sum of the online PV devices' active power; `nil`
    /// when no PV device is online and reports its power (unknown, never 0 W). A PV device's
    /// power is ≥ 0 by definition, so the standby draw some inverters report at night (a few
    /// negative watts) counts as 0.
    public var productionActivePower: Double? {
        let powers = pvDevices.filter(\.online).compactMap { $0.value(.activePower) }
        return powers.isEmpty ? nil : powers.reduce(0) { $0 + max(0, $1) }
    }

    /// The site's PV energy, Wh: the sum of the PV devices' energy counters, only while every
    /// PV device is online and reports one, so that the sum never drops when a device goes
    /// away (a counter that falls would read as negative production); `nil` otherwise.
    public var productionEnergy: Double? {
        let devices = pvDevices
        guard !devices.isEmpty, devices.allSatisfy(\.online) else { return nil }
        let energies = devices.compactMap { $0.value(.energy) }
        return energies.count == devices.count ? energies.reduce(0, +) : nil
    }

    /// Devices online.
    public var devicesOnline: Int { devices.filter(\.online).count }

    public func device(_ id: String) -> DeviceStatus? { devices.first { $0.id == id } }
}

/// One device as the gateway last saw it.
public struct DeviceStatus: Sendable {
    public var id: String
    public var kind: DeviceKind
    /// Whether the last poll succeeded recently enough (within the stale limit).
    public var online: Bool
    /// Time since the last good read; `nil` before the first one.
    public var age: Duration?
    /// Engineering values by point name (busbar units and signs), as last read.
    public var values: [String: Double]
    /// Identity texts by point name (manufacturer, model, serial, …).
    public var identity: [String: String]
    /// Ratings from the site file.
    public var ratings: DeviceRatings
    /// Writes the device refused or left unanswered since the gateway started.
    public var writeFailures: Int

    public init(
        id: String, kind: DeviceKind, online: Bool, age: Duration?, values: [String: Double],
        identity: [String: String], ratings: DeviceRatings, writeFailures: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.online = online
        self.age = age
        self.values = values
        self.identity = identity
        self.ratings = ratings
        self.writeFailures = writeFailures
    }

    /// A well-known telemetry value.
    public func value(_ role: TelemetryRole) -> Double? { values[role.pointName] }

    /// Capacity in Wh: the site file's rating, else the device's own `capacity` point.
    public var capacity: Double? { ratings.capacity ?? value(.capacity) }
}
