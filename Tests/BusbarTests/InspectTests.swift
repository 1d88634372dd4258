import Foundation
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing

/// `busbar inspect` against devices laid out from the shipped maps and served by our own
/// Modbus/TCP server, cross-checked with a pymodbus client.
@Suite(.serialized)
struct InspectTests {
    static let webasto: [String: Double] = [
        "status": 3, "active_power": 7360, "energy": 123_456, "safe_current": 6, "comm_timeout": 20,
        "power_limit": 11_000, "current_limit": 16, "life_bit": 0,
    ]

    static let phoenix: [String: Double] = [
        "status": 0x43, "voltage_l1": 231, "voltage_l2": 229, "voltage_l3": 230, "current_l1": 16, "current_l2": 15,
        "current_l3": 16, "active_power": 11_040, "energy": 123_456, "charging_enabled": 1, "current_limit": 16,
    ]

    /// Raw numbers: the scale factors do the scaling.
    static let sunspec: [String: Double] = [
        "model_id": 124, "model_length": 24, "max_charge_power": 500, "charge_ramp": 10, "discharge_ramp": 10,
        "storage_control": 2, "max_charge_va": 500, "min_reserve": 100, "soc": 555, "available_charge": 0xFFFF,
        "battery_voltage": 4012, "state": 4, "discharge_rate": -500, "charge_rate": 1000, "rate_window": 0,
        "rate_revert_timeout": 60, "rate_ramp_time": 0, "grid_charging": 1, "max_charge_power_sf": 1, "ramp_sf": 0,
        "max_charge_va_sf": 1, "min_reserve_sf": -1, "soc_sf": -1, "available_charge_sf": 0, "rate_sf": -1,
    ]

    @Test func showsEveryPointWithUnitsNamesAndRawWords() throws {
        let device = try ServedMap("webasto-next.yaml", values: Self.webasto)
        let result = try busbar("inspect", device.endpoint, "--map", shippedMap("webasto-next.yaml"))
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(
            result.output == """
                Webasto Next at \(device.endpoint) unit 255
                point          register      value      raw
                status         holding 1000  charging   0x0003
                active_power   holding 1020  7360 W     0x0000 0x1CC0
                energy         holding 1036  123456 Wh  0x0001 0xE240
                safe_current   holding 2000  6 A        0x0006
                comm_timeout   holding 2002  20 s       0x0014
                power_limit    holding 5000  11000 W    0x0000 0x2AF8
                current_limit  holding 5004  16 A       0x0010
                life_bit       holding 6000  0          0x0000
                8 points, 8 requests

                """)
    }

    @Test func readsLowWordFirstValuesAndCoils() throws {
        let device = try ServedMap("phoenix-ev-charge-control.yaml", values: Self.phoenix)
        let result = try busbar(
            "inspect", device.endpoint, "--map", shippedMap("phoenix-ev-charge-control.yaml"), "--format", "json")
        #expect(result.status == 0, "\(result.errorOutput)")
        let points = try pointsByName(jsonObject(result.output))
        #expect(points["energy"]?["value"] as? Int == 123_456)
        #expect(points["energy"]?["raw"] as? [Int] == [0xE240, 0x0001])
        #expect(points["status"]?["label"] as? String == "C")
        #expect(points["charging_enabled"]?["value"] as? Bool == true)
        #expect(points["charging_enabled"]?["label"] as? String == "on")
        #expect(points["current_limit"]?["unit"] as? String == "A")
    }

    @Test func appliesScaleFactorsAndShowsSentinelsAsNotAvailable() throws {
        let device = try ServedMap(
            "sunspec-storage-124.yaml", values: Self.sunspec, raw: ["battery_voltage_sf": [0x8000]])
        let map = shippedMap("sunspec-storage-124.yaml")
        let table = try busbar("inspect", device.endpoint, "--map", map)
        #expect(table.status == 0, "\(table.errorOutput)")
        let lines = table.output.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(lines.contains("soc holding 40078 55.5 % 0x022B"))
        #expect(lines.contains("max_charge_power holding 40072 5000 W 0x01F4"))
        #expect(lines.contains("discharge_rate holding 40082 -50 % 0xFE0C"))
        #expect(lines.contains("available_charge holding 40079 n/a 0xFFFF"))
        #expect(lines.contains("battery_voltage holding 40080 n/a 0x0FAC"))
        #expect(lines.contains("state holding 40081 charging 0x0004"))
        #expect(lines.last == "26 points, 1 request")

        let json = try pointsByName(
            jsonObject(try busbar("inspect", device.endpoint, "--map", map, "--format", "json").output))
        #expect(json["available_charge"]?["notAvailable"] as? Bool == true)
        #expect(json["available_charge"]?["value"] is NSNull)
        #expect(json["soc"]?["value"] as? Double == 55.5)
    }

    @Test(arguments: ["webasto-next.yaml", "phoenix-ev-charge-control.yaml", "sunspec-storage-124.yaml"])
    func aPymodbusClientReadsTheSameValues(file: String) throws {
        let values =
            switch file {
            case "webasto-next.yaml": Self.webasto
            case "phoenix-ev-charge-control.yaml": Self.phoenix
            default: Self.sunspec
            }
        let device = try ServedMap(file, values: values)
        let inspected = try busbar("inspect", device.endpoint, "--map", shippedMap(file), "--format", "json")
        #expect(inspected.status == 0, "\(inspected.errorOutput)")
        // Computed points have no registers for pymodbus to read.
        let ours = try pointsByName(jsonObject(inspected.output)).filter { $0.value["computed"] == nil }
        let python = try runCommand(
            Paths.python, [Paths.script("pymodbus_read_points.py"), "\(device.port)", "\(device.map.unit)"],
            input: try device.pointSpecs())
        #expect(python.status == 0, "\(python.errorOutput)")
        let theirs = try jsonObject(python.output)
        #expect(Set(theirs.keys) == Set(ours.keys))
        var compared = 0
        for (name, point) in ours {
            let value = point["value"]
            if value is NSNull { continue }  // "n/a": pymodbus has no notion of sentinels
            compared += 1
            if device.map.point(named: name)?.table.isBits == true {
                #expect(theirs[name] as? Bool == value as? Bool, "\(name)")
            } else {
                let mine = try #require(value as? Double, "\(name)")
                let other = try #require(theirs[name] as? Double, "\(name): \(theirs[name] ?? "nil")")
                #expect(abs(mine - other) <= 1e-9 * max(1, abs(other)), "\(name): inspect \(mine), pymodbus \(other)")
            }
        }
        #expect(compared >= values.count - 1)
    }

    @Test func anUnreadablePointIsShownWithItsReason() throws {
        let device = try ServedMap("webasto-next.yaml", values: Self.webasto, omit: ["safe_current"])
        let result = try busbar("inspect", device.endpoint, "--map", shippedMap("webasto-next.yaml"))
        #expect(result.status == 0)
        #expect(result.output.contains("safe_current   holding 2000  unreadable: illegal data address (0x02)  -\n"))
        #expect(result.output.contains("current_limit  holding 5004  16 A"))
        #expect(result.output.hasSuffix("8 points, 8 requests, 1 unreadable\n"))
    }

    @Test func aRefusedBlockIsReadPointByPoint() throws {
        let device = try ServedMap("sunspec-storage-124.yaml", values: Self.sunspec, omit: ["available_charge"])
        let result = try busbar(
            "inspect", device.endpoint, "--map", shippedMap("sunspec-storage-124.yaml"), "--format", "json")
        #expect(result.status == 0)
        let object = try jsonObject(result.output)
        #expect(object["requests"] as? Int == 1 + 26)
        let points = try pointsByName(object)
        #expect(points["available_charge"]?["error"] as? String == "illegal data address (0x02)")
        #expect(points["soc"]?["value"] as? Double == 55.5)
        #expect(points.values.filter { $0["error"] != nil }.count == 1)
    }

    @Test func aDeviceThatRefusesEverythingExits1() throws {
        let device = try ServedMap("webasto-next.yaml", values: [:], omit: Set(Self.webasto.keys))
        let result = try busbar("inspect", device.endpoint, "--map", shippedMap("webasto-next.yaml"))
        #expect(result.status == 1)
        #expect(result.output.hasSuffix("8 points, 8 requests, 8 unreadable\n"))
    }

    @Test func noDeviceExits2() throws {
        let result = try busbar("inspect", "127.0.0.1:\(freePort())", "--map", shippedMap("webasto-next.yaml"))
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("connection refused"))
    }

    @Test func theUnitOptionOverridesTheMapsUnit() throws {
        let device = try ServedMap("webasto-next.yaml", values: Self.webasto)
        let result = try busbar(
            "inspect", device.endpoint, "--map", shippedMap("webasto-next.yaml"), "--unit", "7", "--format", "json")
        #expect(result.status == 1)  // our router answers unit 7 with "gateway path unavailable"
        let object = try jsonObject(result.output)
        #expect(object["unit"] as? Int == 7)
        #expect(try pointsByName(object)["status"]?["error"] as? String == "gateway path unavailable (0x0A)")
    }

    @Test func anInvalidMapIsRefusedWithLocatedDiagnostics() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "busbar-broken-\(UUID().uuidString).yaml")
        try "kind: chargepoint\nname: Broken\npoints:\n  status: {adress: 1000}\n".write(
            to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try busbar("inspect", "127.0.0.1:1", "--map", file.path)
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput.contains("\(file.path):4:"))
        #expect(result.errorOutput.contains(#"did you mean "address"?"#))
        #expect(result.errorOutput.contains("is not a valid device map"))
    }

    @Test func watchPrintsOneJSONObjectPerCycleAndMarksChanges() throws {
        let device = try ServedMap("webasto-next.yaml", values: Self.webasto)
        let watcher = try Peer(
            Paths.busbar,
            [
                "inspect", device.endpoint, "--map", shippedMap("webasto-next.yaml"), "--watch", "200ms", "--format",
                "json",
            ])
        defer { watcher.stop() }
        try #require(watcher.waitForOutput("\"requests\"", timeout: .seconds(10)), "\(watcher.errorOutput)")
        device.bank.set(.holding, address: 1020, to: [0, 3680])
        try #require(watcher.waitForOutput("\"value\":3680", timeout: .seconds(10)))
        watcher.stop()
        let cycles = try watcher.output.split(separator: "\n").map { try jsonObject($0) }
        #expect(cycles.count >= 2)
        #expect(cycles.allSatisfy { $0["time"] is String })
        let changed = try cycles.map { try pointsByName($0)["active_power"]?["changed"] as? Bool }
        #expect(changed.first == false)
        #expect(changed.contains(true))
        let first = try pointsByName(cycles[0])
        #expect(first["status"]?["changed"] as? Bool == false)
    }

    /// A chargepoint of a shipped map simulated alone on a free port, as `busbar simulate --map`
    /// serves it, with a car plugged in.
    func simulatedChargepoint(_ file: String) throws -> (SiteSimulation, endpoint: String) {
        let map = try DeviceMapLoader.load(path: shippedMap(file)).get()
        let device = DeviceConfig(
            id: "evse", mapPath: shippedMap(file), endpoint: .tcp(host: "127.0.0.1", port: 0), unit: map.unit,
            simulate: true)
        let site = LoadedSite(
            site: Site(name: map.name, devices: [device]), maps: [shippedMap(file): map], path: shippedMap(file))
        let simulation = try SiteSimulation(site: site, options: .init(ports: .ephemeral))
        try simulation.start()
        guard case .tcp(let host, let port)? = simulation.endpoint(of: "evse") else {
            throw FixtureFailure("no endpoint")
        }
        return (simulation, "\(host):\(port)")
    }

    @Test(arguments: ["alfen-ng9xx.yaml", "phoenix-ev-charge-control.yaml"])
    func pluggedFollowsTheStatusAsTheSimulatedCarComesAndGoes(file: String) throws {
        let (simulation, endpoint) = try simulatedChargepoint(file)
        defer { simulation.stop() }
        func plugged() throws -> Any? {
            let result = try busbar("inspect", endpoint, "--map", shippedMap(file), "--format", "json")
            #expect(result.status == 0, "\(result.errorOutput)")
            return try pointsByName(jsonObject(result.output))["plugged"]?["value"]
        }
        #expect(try plugged() as? Int == 1)
        simulation.plug(nil, into: "evse")
        simulation.advance(by: .seconds(1))
        #expect(try plugged() as? Int == 0)
        simulation.plug(Car(), into: "evse")
        simulation.advance(by: .seconds(1))
        #expect(try plugged() as? Int == 1)
    }

    @Test func aComputedPointIsListedAfterTheRegisters() throws {
        let device = try ServedMap("phoenix-ev-charge-control.yaml", values: Self.phoenix)
        let result = try busbar("inspect", device.endpoint, "--map", shippedMap("phoenix-ev-charge-control.yaml"))
        let lines = result.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.suffix(2) == ["plugged computed 1 -", "12 points, 5 requests"], "\(result.output)")
    }

    /// The Victron GX keeps the VE.Bus set-points on unit 227, not on its own unit 100: inspect
    /// reads each point on its own unit id, as the gateway does.
    @Test func pointsOnTheirOwnUnitIdAreReadThere() throws {
        let file = "victron-gx-ess.yaml"
        let map = try DeviceMapLoader.load(path: shippedMap(file)).get()
        let device = DeviceConfig(
            id: "ess", mapPath: shippedMap(file), endpoint: .tcp(host: "127.0.0.1", port: 0), unit: map.unit,
            ratings: DeviceRatings(capacity: 10_000, maxPower: 5000), simulate: true)
        let site = LoadedSite(
            site: Site(name: map.name, devices: [device]), maps: [shippedMap(file): map], path: shippedMap(file))
        let simulation = try SiteSimulation(site: site, options: .init(ports: .ephemeral))
        try simulation.start()
        defer { simulation.stop() }
        guard case .tcp(let host, let port)? = simulation.endpoint(of: "ess") else {
            throw FixtureFailure("no endpoint")
        }
        let result = try busbar("inspect", "\(host):\(port)", "--map", shippedMap(file), "--format", "json")
        #expect(result.status == 0, "\(result.errorOutput)")
        let points = try pointsByName(jsonObject(result.output))
        for name in ["setpoint_l1", "disable_charge", "disable_feed_in"] {
            #expect(points[name]?["error"] == nil, "\(name): \(points[name] ?? [:])")
            #expect(points[name]?["value"] is Int, "\(name)")
        }
    }
}
