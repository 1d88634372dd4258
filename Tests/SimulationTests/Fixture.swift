import Foundation
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// Shared set-up: the shipped maps and demo site, simulations on free ports, and a master that
/// reads and writes points over a real socket with busbar's ModbusClient.
enum Fixture {
    static func sitePath(_ relative: String) -> String {
        Paths.root.appendingPathComponent("sites").appendingPathComponent(relative).path
    }

    static func demo() throws -> LoadedSite {
        try SiteLoader.load(path: sitePath("demo.yaml")).get()
    }

    static func map(_ file: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: sitePath("devices/\(file)")).get()
    }

    /// The demo site with only the named devices, on a still site (constant loads, no PV unless
    /// given): a test sees exactly the power it asked for.
    static func site(
        _ ids: [String], load: Double = 2000, pv: Double = 0
    ) throws -> (LoadedSite, SiteProfile) {
        var loaded = try demo()
        loaded.site.devices = loaded.site.devices.filter { ids.contains($0.id) }
        // A still sun at noon: the PV stays at its peak.
        return (loaded, SiteProfile(load: load, pvPeak: pv, start: .seconds(12 * 3600), dayLength: .zero))
    }

    /// A started simulation on free ports.
    static func simulation(_ ids: [String], load: Double = 2000, pv: Double = 0) throws -> SiteSimulation {
        let (loaded, profile) = try site(ids, load: load, pv: pv)
        let simulation = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral, profile: profile))
        try simulation.start()
        return simulation
    }

    /// One device of a map alone, as `busbar simulate --map` serves it.
    static func single(_ file: String, unit: Int? = nil) throws -> (SiteSimulation, DeviceMap) {
        let map = try map(file)
        return (try single(map, path: sitePath("devices/\(file)"), unit: unit), map)
    }

    /// One device of `map` alone, under the site `profile`, stepped in at most `maxStep`.
    static func single(
        _ map: DeviceMap, path: String = "dut.yaml", unit: Int? = nil, ratings: DeviceRatings = DeviceRatings(),
        profile: SiteProfile = SiteProfile(), maxStep: Duration = .seconds(1)
    ) throws -> SiteSimulation {
        var device = DeviceConfig(
            id: "dut", mapPath: path, endpoint: .tcp(host: "127.0.0.1", port: 0), unit: unit ?? map.unit, simulate: true
        )
        device.ratings = ratings
        let loaded = LoadedSite(site: Site(name: map.name, devices: [device]), maps: [path: map], path: path)
        let simulation = try SiteSimulation(
            site: loaded, options: .init(ports: .ephemeral, profile: profile, maxStep: maxStep))
        try simulation.start()
        return simulation
    }

    /// A device map written inline, which must decode without a diagnostic.
    static func map(yaml: String) throws -> DeviceMap {
        let (map, diagnostics) = DeviceMapLoader.decode(yaml: yaml, file: "inline.yaml")
        return try #require(map, "\(diagnostics)")
    }
}

/// A master for one simulated device: reads and writes its points by name, and carries out its
/// map's recipes with the SiteConfig expression evaluator, as the gateway will.
final class Master {
    let client: ModbusClient
    let map: DeviceMap
    let unit: Int

    init(_ simulation: SiteSimulation, device id: String, map: DeviceMap) throws {
        let endpoint = try #require(simulation.endpoint(of: id))
        client = try ModbusClient(endpoint: endpoint, timeouts: .init(response: .seconds(2)))
        self.map = map
        unit = try #require(simulation.served.first { $0.id == id }?.units.first)
    }

    func point(_ name: String) throws -> Point {
        try #require(map.point(named: name), "no point \(name) in \(map.name)")
    }

    func words(_ point: Point) throws -> [UInt16] {
        let unit = UInt8(point.unit(device: self.unit))
        if point.table.isBits {
            return try client.readBits(point.table, unit: unit, address: point.address, count: 1).map { $0 ? 1 : 0 }
        }
        return try client.read(point.table, unit: unit, address: point.address, count: point.count)
    }

    /// The point's codec, with the scale factor its `scale_register` holds, as the gateway reads
    /// and writes it.
    func codec(_ point: Point) throws -> RegisterCodec {
        guard let register = point.scaleRegister else { return point.codec }
        return point.codec(scaleFactor: Int(try read(register)))
    }

    func read(_ name: String) throws -> Double {
        let point = try point(name)
        return try codec(point).engineeringValue(words(point))
    }

    func text(_ name: String) throws -> String {
        let point = try point(name)
        guard case .string(let text) = try point.codec.decode(words(point)) else { return "" }
        return text
    }

    func write(_ name: String, _ value: Double) throws {
        let point = try point(name)
        let unit = UInt8(point.unit(device: self.unit))
        let words = try codec(point).encode(engineering: value)
        switch (point.table, words.count) {
        case (.coil, _): try client.writeSingleCoil(unit: unit, address: point.address, value: value != 0)
        case (_, 1): try client.writeSingleRegister(unit: unit, address: point.address, value: words[0])
        default: try client.writeMultipleRegisters(unit: unit, address: point.address, values: words)
        }
    }

    /// Writes the steps of `mode`'s recipe in order, each value evaluated over the parameters,
    /// the map's constants and the device's readable points.
    func run(_ mode: ModeKind, _ parameters: [String: Double] = [:]) throws {
        let recipe = try #require(map.control.recipes[mode], "\(map.name) has no \(mode)")
        try run(recipe.steps, parameters)
    }

    /// Writes a PV map's LIMIT_PRODUCTION recipe with `power`, W.
    func limitProduction(_ power: Double) throws {
        try run(try #require(map.control.limitProduction, "\(map.name) has no LIMIT_PRODUCTION"), ["power": power])
    }

    /// Writes `steps` in order, each value evaluated as a recipe's.
    func run(_ steps: [WriteStep], _ parameters: [String: Double] = [:]) throws {
        for step in steps {
            var failure: (any Error)?
            let value = step.value.evaluate { name in
                if let value = parameters[name] ?? map.constants[name] { return value }
                do { return try read(name) } catch {
                    failure = error
                    return nil
                }
            }
            if let failure { throw failure }
            try write(step.point, try #require(value, "\(step.point) = \(step.value) has no value"))
        }
    }

    /// Carries out `mode` and keeps it in force for `duration`, re-sending it at the map's
    /// refresh interval as the gateway does.
    func keep(
        _ mode: ModeKind, _ parameters: [String: Double] = [:], for duration: Duration, in simulation: SiteSimulation
    ) throws {
        let interval = map.control.refresh?.interval ?? duration
        var left = duration
        while left > .zero {
            try run(mode, parameters)
            let step = min(left, interval)
            simulation.advance(by: step)
            left -= step
        }
    }

    /// Writes the map's heartbeat once.
    func heartbeat() throws {
        let heartbeat = try #require(map.control.heartbeat)
        try write(heartbeat.step.point, try #require(heartbeat.step.value.evaluate { map.constants[$0] }))
    }
}
