public import Modbus
public import SiteConfig
import Synchronization
public import Vocabulary

/// Every `simulate: true` device of a site, served as Modbus/TCP slaves from the same device
/// maps the gateway uses, with simple physics coupled through the site balance: batteries
/// integrate SoC and follow their control registers with a lag, cars draw what their
/// chargepoint allows, PV inverters produce the profile's PV, the grid meter reports
/// `load − pv − ess + ev` (sampled, when its map says so), and devices fall back as the product
/// does when nobody refreshes them.
///
/// Time is injected: ``advance(by:)`` steps the physics without sleeping (tests), and
/// ``startClock(tick:)`` drives it in real time (`busbar simulate`).
///
/// ```swift
/// let simulation = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral))
/// try simulation.start()
/// let port = simulation.endpoint(of: "ess1")   // .tcp(host: "127.0.0.1", port: 40123)
/// simulation.advance(by: .seconds(60))
/// simulation.kill("ess1"); simulation.revive("ess1")   // back as after a power cycle
/// ```
public final class SiteSimulation: Sendable {
    /// Where the endpoints listen.
    public enum Ports: Sendable, Hashable {
        /// On the ports the site file names.
        case configured
        /// Each endpoint on a port the system picks (tests); read them with ``endpoint(of:)``.
        case ephemeral
        /// Configured port → port to listen on (0: the system picks); others as configured.
        case mapped([Int: Int])

        func port(for configured: Int) -> Int {
            switch self {
            case .configured: configured
            case .ephemeral: 0
            case .mapped(let ports): ports[configured] ?? configured
            }
        }
    }

    public struct Options: Sendable, Hashable {
        /// The address every endpoint listens on; the site's hosts are not used, so a site
        /// naming a LAN address still simulates on loopback.
        public var host: String
        public var ports: Ports
        /// The loads and PV; nil: the site file's `simulation:` section.
        public var profile: SiteProfile?
        /// The longest physics step ``advance(by:)`` takes; longer advances are cut into steps.
        public var maxStep: Duration

        public init(
            host: String = "127.0.0.1", ports: Ports = .configured, profile: SiteProfile? = nil,
            maxStep: Duration = .seconds(1)
        ) {
            self.host = host
            self.ports = ports
            self.profile = profile
            self.maxStep = maxStep
        }
    }

    /// One served device, for listings.
    public struct ServedDevice: Sendable, Hashable {
        public var id: String
        public var name: String
        public var kind: DeviceKind
        public var host: String
        public var port: Int
        /// The device's own unit id first, then any further unit its map uses.
        public var units: [Int]
    }

    /// The physics, stepped under ``engine``'s lock.
    struct Engine {
        var devices: [SimulatedDevice]
        var profile: SiteProfile
        var now: Duration = .zero
        var balance = SiteBalance()
        /// W switched on by ``SiteSimulation/stepLoad(by:)``, on top of the profile.
        var extraLoad = 0.0
    }

    let engine: Mutex<Engine>
    let endpoints: [SimulatedEndpoint]
    /// Device id → its endpoint and registers; immutable after init.
    let placement: [String: (endpoint: SimulatedEndpoint, registers: DeviceRegisters, map: DeviceMap, unit: Int)]
    let options: Options
    let clock = Mutex<RealTimeClock?>(nil)

    /// Builds every `simulate: true` device of `site`; nothing listens before ``start()``.
    /// - Throws: ``SimulationError`` when a device cannot be simulated (a serial endpoint, a map
    ///   that did not load).
    public init(site loaded: LoadedSite, options: Options = Options()) throws(SimulationError) {
        self.options = options
        var devices: [SimulatedDevice] = []
        var byPort: [Int: [SimulatedDevice]] = [:]
        for config in loaded.site.devices where config.simulate {
            guard let map = loaded.map(for: config) else {
                throw SimulationError("device \"\(config.id)\": its map \(config.mapPath) is not loaded")
            }
            guard case .tcp(_, let port) = config.endpoint else {
                throw SimulationError(
                    "device \"\(config.id)\": found serial endpoint \(config.endpoint), expected a uri (busbar simulate serves Modbus/TCP only)"
                )
            }
            let device = SimulatedDevice(config: config, map: map)
            devices.append(device)
            byPort[port, default: []].append(device)
        }
        guard !devices.isEmpty else {
            throw SimulationError("found no device with simulate: true in \(loaded.path), expected at least one")
        }
        var endpoints: [SimulatedEndpoint] = []
        var placement: [String: (endpoint: SimulatedEndpoint, registers: DeviceRegisters, map: DeviceMap, unit: Int)] =
            [:]
        for (port, group) in byPort.sorted(by: { $0.key < $1.key }) {
            let endpoint = SimulatedEndpoint(
                host: options.host, configuredPort: port, requestedPort: options.ports.port(for: port),
                devices: group.map(\.registers)
            )
            endpoints.append(endpoint)
            for device in group { placement[device.id] = (endpoint, device.registers, device.map, device.config.unit) }
        }
        self.endpoints = endpoints
        self.placement = placement
        var engine = Engine(devices: devices, profile: options.profile ?? loaded.site.profile)
        engine.step(seconds: 0)
        self.engine = Mutex(engine)
    }

    deinit { stop() }

    // MARK: - Serving

    /// Starts listening on every endpoint.
    /// - Throws: `ModbusError` when a port cannot be bound; endpoints started before are stopped.
    public func start() throws(ModbusError) {
        for endpoint in endpoints {
            do throws(ModbusError) {
                try endpoint.start()
            } catch {
                stop()
                throw error
            }
        }
    }

    /// Stops the real-time clock and every endpoint.
    public func stop() {
        stopClock()
        for endpoint in endpoints { endpoint.stop() }
    }

    /// Every served device, in site order.
    public var served: [ServedDevice] {
        engine.withLock { engine in
            engine.devices.map { device in
                let place = placement[device.id]!
                return ServedDevice(
                    id: device.id, name: device.map.name, kind: device.kind, host: place.endpoint.host,
                    port: place.endpoint.port, units: place.registers.units
                )
            }
        }
    }

    /// Where a device answers: the actual port once started.
    public func endpoint(of id: String) -> Endpoint? {
        placement[id].map { .tcp(host: $0.endpoint.host, port: $0.endpoint.port) }
    }

    /// The site with every simulated device's endpoint replaced by where it actually answers,
    /// for a gateway under test to poll.
    public func site(pointingAt loaded: LoadedSite) -> LoadedSite {
        var loaded = loaded
        for index in loaded.site.devices.indices {
            if let endpoint = endpoint(of: loaded.site.devices[index].id) {
                loaded.site.devices[index].endpoint = endpoint
            }
        }
        return loaded
    }

    // MARK: - Killing and reviving

    /// Takes a device off the network: when it is the last live device on its endpoint the
    /// server stops (connections are refused), otherwise its unit ids answer exception 0x0B
    /// (gateway target failed to respond). Its physics and fallback go on with the registers it
    /// has.
    package func kill(_ id: String) {
        guard let place = placement[id] else { return }
        place.registers.isSilent = true
        let allDead = engine.withLock { engine in
            engine.devices.first { $0.id == id }?.killed = true
            return engine.devices.filter { placement[$0.id]!.endpoint === place.endpoint }.allSatisfy(\.killed)
        }
        if allDead { place.endpoint.stop() }
    }

    /// Brings a killed device back on the same port and unit ids, as after a power cycle: its
    /// registers hold their power-on values (0 or the map's `simulation.initial`; a Phoenix
    /// charger's enable coil is off), not what masters wrote before, so a master must write its
    /// set-points again. SoC, the car and energy counters are kept.
    /// - Throws: `ModbusError` when its port cannot be bound again.
    package func revive(_ id: String) throws(ModbusError) {
        guard let place = placement[id] else { return }
        engine.withLock { engine in
            guard let device = engine.devices.first(where: { $0.id == id }), device.killed else { return }
            device.killed = false
            device.powerOn()
            engine.step(seconds: 0)
        }
        place.registers.isSilent = false
        try place.endpoint.start()
    }

    // MARK: - Time

    /// Simulated time since the start.
    public var elapsed: Duration { engine.withLock { $0.now } }

    /// Steps the physics by `duration`, in steps of at most ``Options/maxStep``, without sleeping.
    package func advance(by duration: Duration) {
        let maxStep = options.maxStep.seconds
        var left = duration.seconds
        engine.withLock { engine in
            while left > 1e-9 {
                let step = min(left, maxStep)
                engine.step(seconds: step)
                left -= step
            }
        }
    }

    /// Steps until simulated time reaches `instant` (since the start); no-op if it has passed.
    package func advance(to instant: Duration) {
        let now = elapsed
        if instant > now { advance(by: instant - now) }
    }

    // MARK: - Observing and steering

    /// What a device is doing, in busbar signs.
    public func reading(of id: String) -> DeviceReading? {
        engine.withLock { engine in engine.devices.first { $0.id == id }?.reading }
    }

    /// Every device's reading, in site order.
    public var readings: [DeviceReading] { engine.withLock { $0.devices.map(\.reading) } }

    /// The site's power flows at the last step.
    public var balance: SiteBalance { engine.withLock { $0.balance } }

    /// Sets a battery's SoC (%), as if it had charged there.
    package func setSoc(_ soc: Double, of id: String) {
        engine.withLock { engine in
            engine.devices.first { $0.id == id }?.setSoc(soc)
            engine.step(seconds: 0)
        }
    }

    /// Switches `watts` more load on at once (negative: off), on top of the profile, as a step
    /// a test or benchmark times itself.
    package func stepLoad(by watts: Double) {
        engine.withLock { $0.extraLoad += watts }
    }

    /// Plugs a car into a chargepoint (nil unplugs it).
    package func plug(_ car: Car?, into id: String) {
        engine.withLock { engine in
            engine.devices.first { $0.id == id }?.plug(car)
            engine.step(seconds: 0)
        }
    }

    /// The engineering value of a point as the device holds it (write-only points included).
    public func value(of point: String, in id: String) -> Double? {
        placement[id]?.registers.value(of: point)
    }

    /// The text of a string point.
    public func text(of point: String, in id: String) -> String? {
        placement[id]?.registers.text(of: point)
    }
}

/// Why a site cannot be simulated.
public struct SimulationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension SiteSimulation.Engine {
    /// One physics step: take in the masters' writes, run the chargepoints and the PV devices
    /// (which share the profile's PV; without any, the profile's PV counts as it is), then the
    /// batteries on the balance that is left (those following a set-point first, then those
    /// regulating the grid, in site order, each lagging behind what it aims for), then the
    /// meters; publish everything to the registers.
    mutating func step(seconds: Double) {
        for device in devices { device.receiveWrites(now: now) }
        now += .milliseconds(Int64((seconds * 1000).rounded()))
        let hours = seconds / 3600
        for device in devices where device.kind == .chargepoint { device.runChargepoint(seconds: seconds) }
        let load = profile.load(at: now) + extraLoad
        let sun = profile.pv(at: now)
        let inverters = devices.filter { $0.kind == .pv }
        var pv = inverters.isEmpty ? sun : 0
        for (device, share) in zip(inverters, inverters.pvShares()) {
            pv += device.runPV(offered: sun * share, seconds: seconds)
        }
        let ev = devices.filter { $0.kind == .chargepoint }.map(\.power).reduce(0, +)
        let residual = load - pv + ev
        let batteries = devices.filter { $0.kind == .battery }.map { ($0, $0.batteryPlan(seconds: seconds)) }
        var ess = 0.0
        for (device, plan) in batteries.filter({ $0.1.setpoint != nil }) + batteries.filter({ $0.1.setpoint == nil }) {
            ess += device.runBattery(toward: plan.power(residual: residual - ess), within: plan, seconds: seconds)
        }
        balance = SiteBalance(load: load, pv: pv, ess: ess, ev: ev)
        for device in devices where device.kind == .meter {
            device.power = balance.grid
            device.meter.integrate(power: balance.grid, hours: hours)
        }
        for device in devices { device.publish(now: now) }
    }
}
