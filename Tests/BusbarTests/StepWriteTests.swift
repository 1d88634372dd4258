import DeviceIO
import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing

/// Recipe steps written through a map (`StepWrite`, the one write path the runtime uses):
/// evaluated, encoded with the point's codec and scale factor, written on the point's unit id,
/// and read back where the map asks for it.
@Suite(.serialized)
struct StepWriteTests {
    /// A Victron GX that holds at most 50 % for its ESS minimum SoC, whatever is written: a
    /// device that takes a write and keeps something else.
    final class ClampingDevice: ModbusRequestHandler {
        let bank: RegisterBank
        let address: Int
        let most: UInt16

        init(bank: RegisterBank, address: Int, most: UInt16) {
            self.bank = bank
            self.address = address
            self.most = most
        }

        func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
            let response = bank.handle(request, unit: unit)
            if case .writeSingleRegister(self.address, let value) = request, value > most {
                bank.set(.holding, address: address, to: [most])
            }
            return response
        }
    }

    func step(_ point: String, _ value: String) throws -> WriteStep {
        WriteStep(point: point, value: try Expression.parse(value))
    }

    @Test func writesTheEncodedValueOnThePointsUnitAndReportsAReadBackThatDiffers() throws {
        let served = try ServedMap("victron-gx-ess.yaml", values: ["min_soc": 10])
        let minSoc = try #require(served.map.point(named: "min_soc"))
        let device = ClampingDevice(bank: served.bank, address: minSoc.address, most: 500)
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: UnitRouter(units: [UInt8(served.map.unit): device]))
        try server.start()
        defer { server.stop() }
        let client = try ModbusClient(
            endpoint: .tcp(host: "127.0.0.1", port: server.port),
            timeouts: .init(response: .seconds(2), byte: .seconds(1)))

        // 40 % with the map's scale of 0.1: 400 on the wire, held as written.
        let held = try #require(
            try StepWrite(
                step("min_soc", "floor"), of: served.map, deviceUnit: 100, parameters: ["floor": 40], values: [:]))
        #expect(held.words == [400])
        #expect(held.unit == 100)
        #expect(try held.perform(with: client, readBack: true) == nil)
        #expect(served.bank.get(.holding, address: minSoc.address, count: 1) == [400])

        // 80 %: the device takes the write and keeps 50 %, which the read-back returns.
        let clamped = try #require(
            try StepWrite(
                step("min_soc", "floor + 40"), of: served.map, deviceUnit: 100, parameters: ["floor": 40], values: [:]))
        #expect(try clamped.perform(with: client, readBack: true) == [500])
        #expect(try clamped.perform(with: client, readBack: false) == nil)
    }

    @Test func aStepNeedsItsValuesAndItsScaleFactorAndAPointTheMapHas() throws {
        let map = try DeviceMapLoader.load(path: shippedMap("sunspec-storage-124.yaml")).get()
        let charge = try step("max_charge_power", "power")
        #expect(throws: WriteFailure.self) {
            try StepWrite(charge, of: map, deviceUnit: 1, parameters: [:], values: ["max_charge_power_sf": 1])
        }
        let noFactor = #expect(throws: WriteFailure.self) {
            try StepWrite(charge, of: map, deviceUnit: 1, parameters: ["power": 5000], values: [:])
        }
        #expect(noFactor?.message.contains("scale factor max_charge_power_sf") == true)
        // SunSpec: value = raw × 10^SF, so 5000 W with SF 1 is 500 on the wire.
        let scaled = try #require(
            try StepWrite(
                charge, of: map, deviceUnit: 1, parameters: ["power": 5000], values: ["max_charge_power_sf": 1]))
        #expect(scaled.words == [500])
        #expect(try StepWrite(step("no_such_point", "1"), of: map, deviceUnit: 1, parameters: [:], values: [:]) == nil)
        let tooBig = #expect(throws: WriteFailure.self) {
            try StepWrite(
                charge, of: map, deviceUnit: 1, parameters: ["power": 1e9], values: ["max_charge_power_sf": 0])
        }
        #expect(tooBig?.message.hasPrefix("max_charge_power:") == true)
    }
}
