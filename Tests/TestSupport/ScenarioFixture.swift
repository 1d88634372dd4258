import Control
import Foundation
public import Gateway
public import GatewayServices
import GatewayState
import Logging
import Modbus
public import Simulation
public import SiteConfig
public import Upstreams

/// The demo site, every device simulated in real time, the gateway in front of it, and a
/// pymodbus master (Tests/Interop/native_master.py) talking to the native profile.
public final class ScenarioFixture: Sendable {
    public let simulation: SiteSimulation
    /// The site's services, run as `busbar run` runs them (no local API).
    public let running: RunningServices
    public var gateway: Gateway { running.gateway }
    public let map: NativeRegisterMap
    public let nativePort: Int
    public let openemsPort: Int
    /// The sunspec upstream, which the fixture adds to the demo site.
    public let sunspecPort: Int
    /// The site the gateway runs, pointing at the simulated devices.
    public let loaded: LoadedSite

    /// - Parameters:
    ///   - maps: device maps to use instead of the demo's, by device id, as paths under
    ///     `sites/devices/` (e.g. a Phoenix Contact charger in place of the Webasto).
    ///   - fallbacks: the fallbacks of the native profile's master (source `modbus`).
    ///   - ratings: ratings to use instead of the demo's, by device id (a PV inverter rated for
    ///     a profile's larger PV).
    ///   - clock: what the runtime is timed with (the simulated devices keep real time).
    public init(
        watchdog: Duration = .seconds(60), profile: SiteProfile? = nil, maps: [String: String] = [:],
        fallbacks: [SourceFallback] = [], ratings: [String: DeviceRatings] = [:],
        clock: any RuntimeClock = SystemRuntimeClock()
    ) throws {
        var loaded = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
        for (id, file) in maps {
            guard let index = loaded.site.devices.firstIndex(where: { $0.id == id }) else { continue }
            let path = Paths.root.appendingPathComponent("sites/devices/\(file)").path
            loaded.maps[path] = try DeviceMapLoader.load(path: path).get()
            loaded.site.devices[index].mapPath = path
        }
        for (id, rating) in ratings {
            guard let index = loaded.site.devices.firstIndex(where: { $0.id == id }) else { continue }
            loaded.site.devices[index].ratings = rating
        }
        loaded.site.pollInterval = .milliseconds(250)
        loaded.site.surplus = SurplusConfig(startDelay: .seconds(1), stopDelay: .seconds(2))
        if let profile { loaded.site.profile = profile }
        loaded.site.upstreams.append(UpstreamConfig(profile: .sunspec, host: "127.0.0.1", port: 0))
        let masters = [GatewaySources.modbus, GatewaySources.openems, GatewaySources.sunspec]
        loaded.site.sources.removeAll { masters.contains($0.id) }
        loaded.site.sources += [
            SourceConfig(id: GatewaySources.modbus, priority: 10, watchdog: watchdog, fallbacks: fallbacks),
            SourceConfig(id: GatewaySources.openems, priority: 10, watchdog: watchdog),
            SourceConfig(id: GatewaySources.sunspec, priority: 10, watchdog: watchdog),
        ]
        simulation = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral))
        try simulation.start()
        simulation.startClock(tick: .milliseconds(50))
        self.loaded = simulation.site(pointingAt: loaded)
        map = NativeRegisterMap(site: loaded)
        var options = SiteServices.Options()
        options.listen = [.native: ("127.0.0.1", 0), .openems: ("127.0.0.1", 0), .sunspec: ("127.0.0.1", 0)]
        options.api = APIServices.Settings(http: nil, push: nil, sources: [])
        options.timeouts = .init(response: .milliseconds(300), byte: .milliseconds(100))
        options.clock = clock
        let services = try SiteServices(
            site: self.loaded, options: options, routes: nil, logger: Logger(label: "scenario"))
        nativePort = services.gateway.upstreamPorts[0]
        openemsPort = services.gateway.upstreamPorts[1]
        sunspecPort = services.gateway.upstreamPorts[2]
        running = try RunningServices(services)
        let devices = loaded.site.devices.count
        guard settles({ self.gateway.controller.snapshot.devicesOnline == devices }) else {
            stop()
            throw FixtureFailure("the demo devices did not come online")
        }
    }

    /// `eventually`, on a runtime whose clock is a `ManualRuntimeClock` moved on by a poll
    /// interval's fifth at each look, so that the devices are polled and the control loop
    /// decides as on a running site.
    public func settles(_ condition: () -> Bool) -> Bool {
        let manual = gateway.clock as? ManualRuntimeClock
        return eventually {
            manual?.advance(by: .milliseconds(50))
            return condition()
        }
    }

    public func stop() {
        running.stop()
        simulation.stop()
    }

    /// A register point of a simulated device, as the device itself holds it.
    public func held(_ point: String, in id: String) -> Double? { simulation.value(of: point, in: id) }

    /// The simulated power of a device, W (batteries: positive = discharge).
    public func power(_ id: String) -> Double { simulation.reading(of: id)?.power ?? .nan }
    public var essPower: Double { power("ess1") + power("ess2") }

    /// The loopback port a simulated device answers on.
    public func port(of id: String) -> Int? {
        guard case .tcp(_, let port)? = simulation.endpoint(of: id) else { return nil }
        return port
    }

    // MARK: The master

    /// Runs operations with the pymodbus master and returns one result per operation.
    public func master(_ operations: [[String: Any]]) throws -> [[String: Any]] {
        let input = String(decoding: try JSONSerialization.data(withJSONObject: operations), as: UTF8.self)
        let result = try runCommand(Paths.python, [Paths.script("native_master.py")], input: input)
        guard result.status == 0 else { throw FixtureFailure("native_master.py failed: \(result.errorOutput)") }
        guard let results = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]] else {
            throw FixtureFailure("native_master.py printed no list: \(result.output)")
        }
        return results
    }

    public func address(_ name: String) throws -> Int {
        guard let register = map.register(named: name) else { throw FixtureFailure("no register \(name)") }
        return register.address
    }

    /// One FC16 at the mode register of `block` (`site.ess`, `site.evcs`, a device id) with the
    /// mode, its parameter and the duration.
    public func writeModeOperation(_ block: String, mode: Int, parameter: Double = 0, duration: Int = 0) throws
        -> [String: Any]
    {
        let parameterType = block == "site.evcs" || map.register(named: "\(block).current") != nil ? "uint16" : "int32"
        return [
            "port": nativePort, "unit": 1, "op": "write", "address": try address("\(block).mode"),
            "items": [["uint16", mode], [parameterType, parameter], ["uint32", duration]],
        ]
    }

    /// Writes a mode and returns the Modbus exception code, or nil when it was accepted.
    @discardableResult
    public func setMode(_ block: String, _ mode: Int, parameter: Double = 0, duration: Int = 0) throws -> Int? {
        try master([writeModeOperation(block, mode: mode, parameter: parameter, duration: duration)])[0]["exception"]
            as? Int
    }

    public func readOperation(_ name: String, port: Int? = nil, unit: Int = 1, address: Int? = nil, type: String? = nil)
        throws -> [String: Any]
    {
        let register = map.register(named: name)
        return [
            "port": port ?? nativePort, "unit": unit, "op": "read", "address": try address ?? self.address(name),
            "type": type ?? register?.type.name ?? "uint16",
        ]
    }

    public func read(_ name: String) throws -> Any? {
        try master([readOperation(name)])[0]["value"]
    }
}

/// A fixture that could not be set up, with why.
public struct FixtureFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension SiteProfile {
    /// The demo site's night: no sun and a steady `load` in W, which the batteries cover in AUTO.
    public static func night(load: Double) -> SiteProfile {
        var night = SiteProfile()
        night.load = load
        night.pvPeak = 0
        return night
    }
}
