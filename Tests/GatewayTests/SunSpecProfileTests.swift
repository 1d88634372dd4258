import Control
import Foundation
import Gateway
import GatewayState
import Modbus
import SiteConfig
import TestSupport
import Testing
import Upstreams

/// The sunspec profile on the demo site: the model chain from 40000, every model exactly as
/// pysunspec2's shipped definitions lay it out, and writes of model 124 as commands.
@Suite(.serialized)
struct SunSpecProfileTests {
    let sink = OpenEMSRecordingSink()
    let table: SunSpecTable

    init() throws {
        let demo = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
        table = SunSpecTable(site: demo.site, maps: demo.maps)
    }

    var profile: SunSpecProfile {
        SunSpecProfile(table: table, snapshot: { OpenEMSFixture.snapshot() }, sink: sink)
    }

    func words(_ response: ModbusResponse) -> [UInt16]? {
        if case .registers(let words) = response { return words }
        return nil
    }

    func exception(_ response: ModbusResponse) -> ExceptionCode? {
        if case .exception(let code) = response { return code }
        return nil
    }

    func address(_ point: String, _ model: Int = SunSpecModel.storage.id) throws -> Int {
        try #require(table.field(point, inModel: model)).address
    }

    /// One FC16 of `values` at point `point` of model 124.
    func write(_ profile: SunSpecProfile, _ point: String, _ values: [Int]) throws -> ModbusResponse {
        profile.handle(
            .writeMultipleRegisters(
                address: try address(point), values: values.map { UInt16(bitPattern: Int16($0)) }), unit: 1)
    }

    @Test func everyModelHasTheLengthOffsetsTypesAndSentinelsOfPysunspec2sDefinitions() throws {
        let ids = table.placements.map(\.model.id)
        #expect(ids == [1, 802, 124, 203, 103])
        let result = try runCommand(Paths.python, [Paths.script("sunspec_models.py")] + ids.map(String.init))
        #expect(result.status == 0, "\(result.errorOutput)")
        let definitions = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [String: Any]])
        for placement in table.placements {
            let model = placement.model
            let definition = try #require(definitions["\(model.id)"])
            #expect(definition["length"] as? Int == model.length, "model \(model.id)")
            let points = try #require(definition["points"] as? [[String: Any]])
            #expect(points.map { $0["name"] as? String } == model.points.map(\.name), "model \(model.id)")
            for (point, reference) in zip(model.points, points) {
                let field = try #require(table.field(point.name, inModel: model.id))
                let label = "\(model.id).\(point.name)"
                #expect(field.address - placement.address == reference["offset"] as? Int, "\(label)")
                #expect(point.type.name == reference["type"] as? String, "\(label)")
                #expect(field.count == reference["size"] as? Int, "\(label)")
                #expect(point.scaleFactor == reference["sf"] as? String, "\(label)")
                #expect(point.type.unimplemented.map(Int.init) == reference["unimplemented"] as? [Int], "\(label)")
            }
        }
    }

    @Test func theDemoSiteIsOneChainFromSunSToTheEndMarker() throws {
        #expect(table.fields.validate().isEmpty)
        #expect(table.placements.map(\.address) == [40002, 40070, 40134, 40160, 40267])
        let profile = self.profile
        #expect(
            words(profile.handle(.readHoldingRegisters(address: 40000, count: 4), unit: 1)) == [0x5375, 0x6E53, 1, 66])
        #expect(words(profile.handle(.readInputRegisters(address: 40070, count: 2), unit: 1)) == [802, 62])
        #expect(words(profile.handle(.readHoldingRegisters(address: 40134, count: 2), unit: 1)) == [124, 24])
        #expect(words(profile.handle(.readHoldingRegisters(address: 40319, count: 2), unit: 1)) == [0xFFFF, 0])
        // Nothing below 40000 or past the end marker; another unit id is not there.
        #expect(exception(profile.handle(.readHoldingRegisters(address: 0, count: 3), unit: 1)) == .illegalDataAddress)
        #expect(
            exception(profile.handle(.readHoldingRegisters(address: 40320, count: 2), unit: 1)) == .illegalDataAddress)
        #expect(
            exception(profile.handle(.readHoldingRegisters(address: 40000, count: 2), unit: 2))
                == .gatewayPathUnavailable)
    }

    @Test func readsShowTheSnapshotScaledByTheSitesScaleFactors() throws {
        let profile = self.profile
        func read(_ point: String, _ model: Int) throws -> Int16? {
            words(profile.handle(.readHoldingRegisters(address: try address(point, model), count: 1), unit: 1))
                .map { Int16(bitPattern: $0[0]) }
        }
        let battery = SunSpecModel.battery.id
        // SoC 50 % at SoC_SF -1; 1500 W of discharge at W_SF 0; 11 kW rated at WChaDisChaMax_SF 0.
        #expect(try read("SoC", battery) == 500 && read("SoC_SF", battery) == -1)
        #expect(try read("W", battery) == 1500 && read("W_SF", battery) == 0)
        #expect(try read("WChaRteMax", battery) == 11_000)
        #expect(try read("ChaSt", battery) == 3)
        // The demo's devices are rated 54 kW in all: the meter's W_SF is 1 (2500 W import reads 250).
        #expect(try read("W", SunSpecModel.meter.id) == 250 && read("W_SF", SunSpecModel.meter.id) == 1)
        // Not implemented: int16 0x8000, uint16 0xFFFF, acc32 0.
        #expect(try read("A", battery) == Int16.min)
        #expect(try read("V", battery).map { UInt16(bitPattern: $0) } == 0xFFFF)
        let energy = try address("TotVAhImp", SunSpecModel.meter.id)
        #expect(words(profile.handle(.readHoldingRegisters(address: energy, count: 2), unit: 1)) == [0, 0])
        // Model 124 before any write: no limits, rates at 100.00 %.
        #expect(try read("StorCtl_Mod", SunSpecModel.storage.id) == 0)
        #expect(try read("InWRte", SunSpecModel.storage.id) == 10_000)
        #expect(try read("WChaMax", SunSpecModel.storage.id) == 11_000)
    }

    @Test func storageControlsBecomeCommandsOfTheSourceSunspec() throws {
        let profile = self.profile
        // OutWRte 0 % is staged; setting the discharge bit makes it NO_DISCHARGE.
        #expect(try write(profile, "OutWRte", [0]) == .written)
        #expect(try write(profile, "StorCtl_Mod", [2]) == .written)
        // OutWRte 50 % limits discharging to 5.5 kW; with InWRte −50 % both limits pin the
        // cluster at 5.5 kW of discharge.
        #expect(try write(profile, "OutWRte", [5000, -5000]) == .written)
        #expect(try write(profile, "StorCtl_Mod", [3]) == .written)
        // InWRte 25 % with the discharge limit open: charging limited to 2750 W.
        #expect(try write(profile, "OutWRte", [10_000, 2500]) == .written)
        #expect(try write(profile, "StorCtl_Mod", [1]) == .written)
        #expect(
            sink.commands.map(\.mode) == [
                .ess(.noDischarge), .ess(.limitDischarge(maxDischargePower: 5500)), .ess(.setPower(5500)),
                .ess(.limitCharge(maxChargePower: 2750)), .ess(.limitCharge(maxChargePower: 2750)),
            ])
        #expect(
            sink.commands.allSatisfy { $0.source == SourceID("sunspec") && $0.target == .essCluster && $0.end == nil })
        // StorCtl_Mod 0 releases what the source holds.
        #expect(try write(profile, "StorCtl_Mod", [0]) == .written)
        #expect(sink.releases.map(\.0) == [SourceID("sunspec")])
        #expect(sink.refreshes.count == 7)
    }

    @Test func theRevertTimeoutEndsTheLimits() throws {
        let profile = self.profile
        #expect(try write(profile, "InOutWRte_RvrtTms", [30]) == .written)
        #expect(try write(profile, "StorCtl_Mod", [2]) == .written)
        #expect(try write(profile, "OutWRte", [0]) == .written)
        #expect(sink.commands.last?.mode == .ess(.noDischarge))
        #expect(sink.commands.last?.end == .after(.seconds(30)))
        sink.advance(to: .seconds(129))
        profile.tick()
        #expect(sink.releases.isEmpty)
        sink.advance(to: .seconds(130))
        profile.tick()
        #expect(sink.releases.map(\.0) == [SourceID("sunspec")])
        #expect(profile.state.values["StorCtl_Mod"] == 0 && profile.state.values["OutWRte"] == 10_000)
        #expect(profile.state.values["InOutWRte_RvrtTms"] == 30)
    }

    @Test func writesThatCannotBeCarriedOutChangeNothing() throws {
        let profile = self.profile
        // Charge and discharge limited inside the range around 0: not one mode.
        #expect(try write(profile, "OutWRte", [5000, 5000]) == .written)
        #expect(try write(profile, "StorCtl_Mod", [3]) == .exception(.illegalDataValue))
        // A rate beyond ±100 %, a read-only point, and a write that runs onto one.
        #expect(try write(profile, "InWRte", [10_001]) == .exception(.illegalDataValue))
        #expect(try write(profile, "ChaState", [10]) == .exception(.illegalDataAddress))
        #expect(try write(profile, "InOutWRte_RmpTms", [0, 0, 0]) == .exception(.illegalDataAddress))
        #expect(
            profile.handle(.writeSingleRegister(address: try address("W", SunSpecModel.battery.id), value: 0), unit: 1)
                == .exception(.illegalDataAddress))
        #expect(sink.commands.isEmpty)
        #expect(profile.state.values["StorCtl_Mod"] == 0)
    }
}
