import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing
import Vocabulary

/// `busbar simulate` as a user runs it, checked by an independent master (pymodbus).
@Suite(.serialized)
struct SimulateCommandTests {
    struct PymodbusResult: Decodable {
        var values: [Value?]
        var written: Bool?
    }

    enum Value: Decodable, Equatable {
        case number(Double)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    func pymodbus(_ port: Int, unit: Int, _ arguments: [String]) throws -> PymodbusResult {
        let result = try runCommand(
            Paths.python, [Paths.script("pymodbus_typed_registers.py"), "\(port)", "\(unit)"] + arguments)
        try #require(result.status == 0, "pymodbus client failed: \(result.errorOutput)")
        return try JSONDecoder().decode(PymodbusResult.self, from: Data(result.output.utf8))
    }

    @Test func aSimulatedAlfenAnswersAPymodbusClientWithWhatTheMapSays() throws {
        let port = freePort()
        let simulator = try Peer(
            Paths.busbar,
            ["simulate", "--map", Fixture.sitePath("devices/alfen-ng9xx.yaml"), "--port", "\(port)", "--unit", "1"])
        defer { simulator.stop() }
        try #require(
            simulator.waitForOutput("ready: 1 device"), "busbar simulate did not start: \(simulator.errorOutput)")
        #expect(simulator.output.contains("serving alfen-ng9xx (Alfen NG9xx, chargepoint) on 127.0.0.1:\(port) unit 1"))

        // The car is plugged in and charges at the safe current the socket starts with.
        let written = try pymodbus(port, unit: 1, ["--write", "1210:float32:10.5"])
        #expect(written.written == true)
        Thread.sleep(forTimeInterval: 0.5)
        let read = try pymodbus(
            port, unit: 1,
            ["306:float32", "1201:string:5", "1210:float32", "1212:float32", "1215:uint16", "344:float32"])
        let expected: [Value?] = [.number(230), .text("C2"), .number(10.5), .number(6), .number(3), .number(7245)]
        #expect(read.values == expected)

        // busbar's own client, decoding with the map, agrees.
        let map = try Fixture.map("alfen-ng9xx.yaml")
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        func value(_ name: String) throws -> Double {
            let point = try #require(map.point(named: name))
            return try point.codec.engineeringValue(
                client.read(.holding, unit: 1, address: point.address, count: point.count))
        }
        #expect(try value("current_limit") == 10.5)
        #expect(try value("active_power") == 10.5 * 3 * 230)
        let undefined = try pymodbus(port, unit: 1, ["500:uint16"])
        let none: [Value?] = [nil]
        #expect(undefined.values == none)
    }

    /// Each PV map served by `busbar simulate` at noon under 5 kW of PV, read by pymodbus,
    /// which applies the scale factors itself: the power is what the sun gives, and busbar's
    /// own decoding of the map agrees.
    @Test(arguments: ["sunspec-inverter-103.yaml", "sma-sunny-tripower.yaml", "fronius-symo.yaml"])
    func aSimulatedPVInverterAnswersPymodbusWithTheSunsPower(file: String) throws {
        let map = try Fixture.map(file)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-pv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freePort()
        let site = folder.appendingPathComponent("pv.yaml")
        try """
        site: PV
        devices:
          - {id: pv1, map: \(Fixture.sitePath("devices/\(file)")), uri: "127.0.0.1:\(port)", simulate: true}
        simulation: {pv_peak: 5 kW, start: 12 h, day_length: 24 h}
        """.write(to: site, atomically: true, encoding: .utf8)
        let simulator = try Peer(Paths.busbar, ["simulate", site.path, "--every", "0"])
        defer { simulator.stop() }
        try #require(
            simulator.waitForOutput("ready: 1 device"), "busbar simulate did not start: \(simulator.errorOutput)")
        let points = map.points.filter { point in
            ["active_power", "energy"].contains(point.name) || point.name.hasSuffix("_sf")
        }
        let python = try runCommand(
            Paths.python, [Paths.script("pymodbus_read_points.py"), "\(port)", "\(map.unit)"],
            input: try pymodbusPointSpecs(points))
        try #require(python.status == 0, "\(python.errorOutput)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(python.output.utf8)) as? [String: Any])
        let power = try #require((theirs["active_power"] as? NSNumber)?.doubleValue)
        // At noon the sun hardly moves in the seconds this takes (a watt in over four minutes).
        #expect(abs(power - 5000) < 1, "\(theirs)")
        #expect((theirs["energy"] as? NSNumber).map { $0.doubleValue >= 0 } == true)
        if file == "sunspec-inverter-103.yaml" {
            #expect((theirs["power_sf"] as? NSNumber)?.intValue == 1)  // pymodbus scaled 500 by 10^1
        }

        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        let point = try #require(map.point(named: "active_power"))
        var codec = point.codec
        if let register = point.scaleRegister, let factor = map.point(named: register) {
            let exponent = try factor.codec.engineeringValue(
                client.read(.holding, unit: UInt8(map.unit), address: factor.address, count: 1))
            codec = point.codec(scaleFactor: Int(exponent))
        }
        let ours = try codec.engineeringValue(
            client.read(.holding, unit: UInt8(map.unit), address: point.address, count: point.count))
        #expect(abs(ours - power) < 1)
        if file == "sma-sunny-tripower.yaml" {
            // Curtailed through the set active power limit, written by pymodbus.
            #expect(try pymodbus(port, unit: 3, ["--write", "40915:uint32:3000"]).written == true)
            #expect(
                eventually { (try? self.pymodbus(port, unit: 3, ["30775:int32"]).values) == [.number(3000)] })
        }
    }

    @Test func aSiteThatFailsCheckIsRefusedWithItsDiagnostics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "busbar-simulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("broken.yaml")
        try "site: Broken\ndevices:\n  - {id: x, map: missing.yaml, uri: \"127.0.0.1:1502\", simulate: true}\n".write(
            to: site, atomically: true, encoding: .utf8)
        let result = try runCommand(Paths.busbar, ["simulate", site.path])
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("broken.yaml:3:"))
        #expect(result.errorOutput.contains("refusing to simulate"))
    }

    @Test func theDemoSiteIsServedUntilSigterm() throws {
        // The demo's ports are fixed: another process holding them fails the test, with what
        // busbar said about it. (The full line, as "Address already in use" contains "ready".)
        let simulator = try Peer(Paths.busbar, ["simulate", Fixture.sitePath("demo.yaml"), "--every", "1"])
        defer { simulator.stop() }
        try #require(
            simulator.waitForOutput("ready: 6 devices"), "busbar simulate did not start: \(simulator.errorOutput)")
        #expect(simulator.output.contains("serving ess1 (Victron GX ESS, battery) on 127.0.0.1:15020 unit 100, 227"))
        #expect(simulator.output.contains("serving grid (Generic grid meter, meter) on 127.0.0.1:15020 unit 30"))
        #expect(simulator.output.contains("serving pv1 (Fronius Symo, pv) on 127.0.0.1:15024 unit 1"))
        #expect(simulator.waitForOutput("evse1 chargepoint"))
        simulator.signal(SIGTERM)
        #expect(simulator.waitForExit() == 0)
        #expect(simulator.output.contains("stopped"))
    }
}
