import Control
import Foundation
import Gateway
import GatewayState
import Modbus
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// pymodbus as the master EMS against the native profile.
@Suite struct NativeInteropTests {
    @Test func pymodbusReadsTheSameValuesAndSetsAModeInOneWrite() throws {
        let names =
            NativeMapTests.siteNames + [
                "header.siteName", "ess1.online", "ess1.soc", "ess1.activePower", "evse1.activePower",
                "site.ess.sourceName",
            ]
        let points = names.compactMap(NativeFixture.map.register(named:)).map { register in
            [
                "name": register.name, "address": register.address, "count": register.count,
                "encoding": register.encoding,
            ]
                as [String: Any]
        }
        let input = String(decoding: try JSONSerialization.data(withJSONObject: points), as: UTF8.self)
        let sink = RecordingSink()
        var output: [String: Any] = [:]
        try NativeFixture.withServer(sink: sink) { server, _ in
            let result = try runCommand(
                Paths.python, [Paths.script("native_map_client.py"), "\(server.port)", "1"], input: input)
            #expect(result.status == 0, "\(result.errorOutput)")
            output = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        }
        let values = try #require(output["values"] as? [String: Any])
        func number(_ name: String) -> Double? { (values[name] as? NSNumber)?.doubleValue }
        #expect(values["header.siteName"] as? String == "Test site")
        #expect(abs((number("site.ess.soc") ?? 0) - 800.0 / 15.0) < 1e-4)
        #expect(number("site.ess.activePower") == -3000)
        #expect(number("site.ess.allowedChargePower") == -9500)
        #expect(number("site.ess.allowedDischargePower") == 8000)
        #expect(number("site.ess.capacity") == 15_000)
        #expect(number("site.grid.activePower") == 2500)
        #expect(number("site.evcs.activePower") == 6900)
        #expect(number("site.devices.online") == 4)
        #expect(number("site.ess.activeMode") == 7)
        #expect(number("site.ess.remaining") == 42)
        #expect(number("site.ess.availableModes") == 0x7FF, "AUTO … CHARGE_TO_SOC (codes 0–10)")
        #expect(values["site.ess.sourceName"] as? String == "cloud")
        #expect(number("ess1.online") == 1)
        #expect(number("ess1.soc") == 60)
        #expect(number("ess1.activePower") == -1600)
        #expect(number("evse1.activePower") == 6900)

        #expect(output["set_power"] as? Bool == true)
        #expect(output["read_only_exception"] as? Int == 2)
        #expect(sink.commands.map(\.mode) == [.ess(.setPower(-5000))])
        #expect(sink.commands.first?.end == .after(.seconds(600)))
    }
}
