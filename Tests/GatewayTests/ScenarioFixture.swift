import Control
import Foundation
import Gateway
import Logging
import Modbus
import SiteConfig
import Simulation
import TestSupport
import Testing

/// The demo site, every device simulated in real time, the gateway in front of it, and a
/// pymodbus master (Tests/Interop/native_master.py) talking to the native profile.
final class ScenarioFixture {
    let simulation: SiteSimulation
    let gateway: Gateway
    let map: NativeRegisterMap
    let nativePort: Int
    let openemsPort: Int

    init(watchdog: Duration = .seconds(60), profile: SiteProfile? = nil) throws {
        var loaded = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
        loaded.site.pollInterval = .milliseconds(250)
        loaded.site.surplus = SurplusConfig(startDelay: .seconds(1), stopDelay: .seconds(2))
        if let profile { loaded.site.profile = profile }
        loaded.site.sources.removeAll { $0.id == GatewaySources.modbus || $0.id == GatewaySources.openems }
        loaded.site.sources += [
            SourceConfig(id: GatewaySources.modbus, priority: 10, watchdog: watchdog),
            SourceConfig(id: GatewaySources.openems, priority: 10, watchdog: watchdog),
        ]
        simulation = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral))
        try simulation.start()
        simulation.startClock(tick: .milliseconds(50))
        gateway = Gateway(
            site: simulation.site(pointingAt: loaded), logger: Logger(label: "scenario"),
            timeouts: .init(response: .milliseconds(300), byte: .milliseconds(100)))
        map = NativeRegisterMap(site: loaded)
        try gateway.start(
            upstreams: gateway.upstreamHandlers(listen: [.native: ("127.0.0.1", 0), .openems: ("127.0.0.1", 0)]))
        nativePort = gateway.upstreamPorts[0]
        openemsPort = gateway.upstreamPorts[1]
        let online = eventually { self.gateway.controller.snapshot.devicesOnline == 5 }
        if !online { stop() }
        try #require(online, "the demo devices did not come online")
    }

    func stop() {
        gateway.stop()
        simulation.stop()
    }

    /// The simulated power of a device, W (batteries: positive = discharge).
    func power(_ id: String) -> Double { simulation.reading(of: id)?.power ?? .nan }
    var essPower: Double { power("ess1") + power("ess2") }

    /// The loopback port a simulated device answers on.
    func port(of id: String) -> Int? {
        guard case .tcp(_, let port)? = simulation.endpoint(of: id) else { return nil }
        return port
    }

    // MARK: The master

    /// Runs operations with the pymodbus master and returns one result per operation.
    func master(_ operations: [[String: Any]]) throws -> [[String: Any]] {
        let input = String(decoding: try JSONSerialization.data(withJSONObject: operations), as: UTF8.self)
        let result = try runCommand(Paths.python, [Paths.script("native_master.py")], input: input)
        try #require(result.status == 0, "native_master.py failed: \(result.errorOutput)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
    }

    func address(_ name: String) throws -> Int {
        try #require(map.register(named: name), "no register \(name)").address
    }

    /// One FC16 at the mode register of `block` (`site.ess`, `site.evcs`, a device id) with the
    /// mode, its parameter and the duration.
    func writeModeOperation(_ block: String, mode: Int, parameter: Double = 0, duration: Int = 0) throws -> [String: Any] {
        let parameterType = block == "site.evcs" || map.register(named: "\(block).current") != nil ? "uint16" : "int32"
        return [
            "port": nativePort, "unit": 1, "op": "write", "address": try address("\(block).mode"),
            "items": [["uint16", mode], [parameterType, parameter], ["uint32", duration]],
        ]
    }

    /// Writes a mode and returns the Modbus exception code, or nil when it was accepted.
    @discardableResult
    func setMode(_ block: String, _ mode: Int, parameter: Double = 0, duration: Int = 0) throws -> Int? {
        try master([writeModeOperation(block, mode: mode, parameter: parameter, duration: duration)])[0]["exception"] as? Int
    }

    func readOperation(_ name: String, port: Int? = nil, unit: Int = 1, address: Int? = nil, type: String? = nil) throws -> [String: Any] {
        let register = map.register(named: name)
        return [
            "port": port ?? nativePort, "unit": unit, "op": "read", "address": try address ?? self.address(name),
            "type": type ?? register?.type.name ?? "uint16",
        ]
    }

    func read(_ name: String) throws -> Any? {
        try master([readOperation(name)])[0]["value"]
    }
}
