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
            simulator.waitForOutput("ready: 5 devices"), "busbar simulate did not start: \(simulator.errorOutput)")
        #expect(simulator.output.contains("serving ess1 (Victron GX ESS, battery) on 127.0.0.1:15020 unit 100, 227"))
        #expect(simulator.output.contains("serving grid (Generic grid meter, meter) on 127.0.0.1:15020 unit 30"))
        #expect(simulator.waitForOutput("evse1 chargepoint"))
        simulator.signal(SIGTERM)
        #expect(simulator.waitForExit() == 0)
        #expect(simulator.output.contains("stopped"))
    }
}
