public import Vocabulary

/// A device type: its points, how to control it, how to read it. Loaded from
/// `sites/devices/*.yaml` by ``DeviceMapLoader``.
public struct DeviceMap: Sendable, Hashable {
    public var kind: DeviceKind
    public var name: String
    /// The unit id the device answers on unless the site says otherwise.
    public var unit: Int
    /// Unused registers one planned read may bridge to save a request.
    package var maxGap: Int
    public var blocks: [ReadBlock]
    /// Addresses a read may not span: registers below and at-or-above are read separately.
    package var barriers: [ReadBlock]
    /// In the order the map declares them.
    public var points: [Point]
    /// Points worked out from the others (`value:` instead of an address), in map order.
    public var computed: [ComputedPoint]
    /// Named numbers recipes may use.
    public var constants: [String: Double]
    /// Points shown as the device's identity (manufacturer, model, serial).
    public var identity: [String]
    public var control: DeviceControl
    public var fallback: Fallback?
    /// What the registers mean to `busbar simulate`; nil: the simulator's defaults.
    public var simulation: SimulationSpec?
    /// For an OpenEMS Edge's Modbus/TCP API: the component and where its natures sit in the
    /// layout the addresses are written for; found on the device at connect.
    public var openems: OpenEMSEdgeSpec?
    /// The SunSpec models the map reads, for a SunSpec device: discovered at connect, and
    /// served as a whole SunSpec device by `busbar simulate`.
    public var sunspec: SunSpecChain?

    public init(
        kind: DeviceKind, name: String, unit: Int = 1, maxGap: Int = 0, blocks: [ReadBlock] = [],
        barriers: [ReadBlock] = [], points: [Point], constants: [String: Double] = [:], identity: [String] = [],
        control: DeviceControl = DeviceControl(), fallback: Fallback? = nil, simulation: SimulationSpec? = nil,
        computed: [ComputedPoint] = [], openems: OpenEMSEdgeSpec? = nil, sunspec: SunSpecChain? = nil
    ) {
        self.kind = kind
        self.name = name
        self.unit = unit
        self.maxGap = maxGap
        self.blocks = blocks
        self.barriers = barriers
        self.points = points
        self.computed = computed
        self.constants = constants
        self.identity = identity
        self.control = control
        self.fallback = fallback
        self.simulation = simulation
        self.openems = openems
        self.sunspec = sunspec
    }

    /// Every unit id the device answers on: its own and those of points on another unit.
    public func units(device deviceUnit: Int) -> [Int] {
        [deviceUnit] + Set(points.compactMap(\.unitID)).subtracting([deviceUnit]).sorted()
    }

    public func point(named name: String) -> Point? {
        points.first { $0.name == name }
    }

    /// The point playing `role`, if the map has it and the role is one of its kind's.
    public subscript(role role: TelemetryRole) -> Point? {
        role.kinds.contains(kind) ? point(named: role.pointName) : nil
    }
}
