import Control
import Foundation
import Gateway
import GatewayHTTP
import GatewayState
import SiteConfig
import Testing
import Upstreams
import Vocabulary

@Suite("Current-data document")
struct CurrentDataDocumentTests {
    let site = SiteDouble()
    let cloud = DocumentAudience(priority: 5)

    func document(for audience: DocumentAudience? = nil) -> CurrentDataDocument {
        CurrentDataDocument(snapshot: site.snapshot(), at: site.clock.base, for: audience ?? cloud)
    }

    /// The document as JSON, decoded without a schema, as a receiver sees it.
    func json(_ document: CurrentDataDocument) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(document)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func legacyFieldsFollowCleverPVAndCurrentDataOpenEMSSigns() throws {
        let document = document()
        #expect(document.site == "test-site")
        #expect(document.watt == 1200)
        // clever-PV's chargingPower is a whole, positive magnitude; the direction is the state.
        #expect(document.chargingPower == 1500)
        #expect(document.powerStorageState == 1)
        #expect(document.currentData["_sum/EssDischargePower"] == -1500)
        #expect(try json(document)["chargingPower"] as? Int == 1500)
        // Capacity-weighted: (40 × 10 kWh + 60 × 30 kWh) / 40 kWh.
        #expect(document.soc == 55)
        #expect(document.producingWatt == nil)
    }

    @Test func storageStatesAreCleverPVs() {
        #expect(CurrentDataDocument.storageState(for: 300) == 3)
        #expect(CurrentDataDocument.storageState(for: -300) == 1)
        #expect(CurrentDataDocument.storageState(for: 0.2) == 0)
        #expect(CurrentDataDocument.storageState(for: nil) == 2)
    }

    @Test func currentDataUsesOpenEMSChannelAddresses() {
        let data = document().currentData
        #expect(data["_sum/GridActivePower"] == 1200)
        #expect(data["_sum/EssSoc"] == 55)
        #expect(data["_sum/EssDischargePower"] == -1500)
        #expect(data["_sum/ProductionActivePower"] == .some(nil))
        #expect(data["bat1/Soc"] == 40)
        #expect(data["bat1/AllowedChargePower"] == -5000)
        #expect(data["cp1/ActivePower"] == 4140)
        #expect(data["grid/ActivePower"] == 1200)
    }

    @Test func productionIsTheOnlinePVDevicesSum() throws {
        var snapshot = site.snapshot()
        snapshot.devices += [
            DeviceStatus(
                id: "pv1", kind: .pv, online: true, age: .seconds(1), values: ["active_power": 3200, "energy": 41_000],
                identity: [:], ratings: DeviceRatings()),
            DeviceStatus(
                id: "pv2", kind: .pv, online: true, age: .seconds(1), values: ["active_power": 800, "energy": 9000],
                identity: [:], ratings: DeviceRatings()),
        ]
        let document = CurrentDataDocument(snapshot: snapshot, at: site.clock.base, for: cloud)
        #expect(document.producingWatt == 4000)
        #expect(document.currentData["_sum/ProductionActivePower"] == 4000)
        #expect(document.currentData["_sum/ProductionAcActivePower"] == 4000)
        #expect(document.currentData["_sum/ProductionActiveEnergy"] == 50_000)
        #expect(document.currentData["pv1/ActivePower"] == 3200)
        #expect(document.currentData["pv1/ActiveEnergy"] == 41_000)
        #expect((try json(document))["producingWatt"] as? Double == 4000)
        // None online: unknown, not 0 W.
        snapshot.devices = snapshot.devices.map { device in
            var device = device
            if device.kind == .pv { device.online = false }
            return device
        }
        let dark = CurrentDataDocument(snapshot: snapshot, at: site.clock.base, for: cloud)
        #expect(dark.producingWatt == nil)
        #expect(dark.currentData["_sum/ProductionActivePower"] == .some(nil))
        #expect(dark.currentData["pv1/ActivePower"] == .some(nil))
    }

    @Test func unknownValuesAreWrittenAsNull() throws {
        let json = try json(document())
        #expect(json["producingWatt"] is NSNull)
        let data = try #require(json["currentData"] as? [String: Any])
        #expect(data["_sum/ProductionActivePower"] is NSNull)
    }

    @Test func everyTargetOffersItsModesWithParameterLimits() {
        let offers = document().availableControlModes
        #expect(Set(offers.keys) == ["ess", "evcs", "bat1", "bat2", "cp1"])
        let ess = offers["ess"] ?? []
        #expect(ess.contains(ModeOffer(mode: "NO_DISCHARGE")))
        #expect(ess.contains(ModeOffer(mode: "LIMIT_CHARGE", parameter: "maxChargePower", maximum: 8000)))
        #expect(offers["bat2"]?.contains(ModeOffer(mode: "FORCE_DISCHARGE", parameter: "power", maximum: 3000)) == true)
        #expect(offers["cp1"]?.contains(ModeOffer(mode: "LIMIT", parameter: "current", maximum: 16)) == true)
        #expect(offers["evcs"]?.contains(ModeOffer(mode: "SURPLUS")) == true)
    }

    @Test func chargeToSocIsOfferedUpTo100Percent() {
        #expect(
            document().availableControlModes["ess"]?.contains(
                ModeOffer(mode: "CHARGE_TO_SOC", parameter: "targetSoc", maximum: 100)) == true)
    }

    @Test func aliasesCarryTheirTargetsOffersAndActiveMode() throws {
        _ = site.submit(.ess(.noDischarge, from: "cloud", at: site.now()))
        var snapshot = site.snapshot()
        snapshot.aliases = ["ess0": .essCluster, "ctrlEvseSingle0": .device("cp1")]
        let document = CurrentDataDocument(snapshot: snapshot, at: site.clock.base, for: cloud)
        #expect(document.availableControlModes["ess0"] == document.availableControlModes["ess"])
        #expect(document.availableControlModes["ctrlEvseSingle0"] == document.availableControlModes["cp1"])
        #expect(document.availableControlModes["ess0"]?.isEmpty == false)
        #expect(document.activeControlModes["ess0"]?.mode == "NO_DISCHARGE")
        #expect(document.activeControlModes["ctrlEvseSingle0"] == nil)
    }

    @Test func offersAreWrittenAsTheProposalDoes() throws {
        let json = try json(document())
        let offers = try #require(json["availableControlModes"] as? [String: [[String: Any]]])
        let limitCharge = try #require(offers["ess"]?.first { $0["mode"] as? String == "LIMIT_CHARGE" })
        #expect(limitCharge.count == 2)
        #expect(limitCharge["maxChargePower"] as? Double == 8000)
    }

    @Test func modesAHigherPrioritySourceOverridesAreNotOffered() throws {
        _ = site.submit(.ess(.noCharge, from: "modbus", at: site.now()))
        let offers = document().availableControlModes
        #expect(offers["ess"] == [])
        #expect(offers["bat1"] == [])
        #expect(offers["evcs"]?.isEmpty == false)
        // The master itself still sees them.
        #expect(document(for: DocumentAudience(priority: 10)).availableControlModes["ess"]?.isEmpty == false)
    }

    @Test func onlyAllowedTargetsAreOffered() {
        let offers = document(for: DocumentAudience(priority: 5, allowedTargets: [.essCluster])).availableControlModes
        #expect(Array(offers.keys) == ["ess"])
    }

    @Test func activeModesShowParameterSourceAndEnd() throws {
        _ = site.submit(.ess(.limitCharge(maxChargePower: 1000), from: "cloud", at: site.now()))
        site.clock.advance(by: .seconds(15))
        let active = try #require(document().activeControlModes["ess"])
        #expect(active.mode == "LIMIT_CHARGE")
        #expect(active.parameters == ["maxChargePower": 1000])
        #expect(active.source == "cloud")
        #expect(active.priority == 5)
        #expect(active.secondsLeft == 45)
        #expect(active.until == ManualClock.at(60))

        let json = try json(document())
        let entry = try #require((json["activeControlModes"] as? [String: [String: Any]])?["ess"])
        #expect(entry["maxChargePower"] as? Double == 1000)
        #expect(entry["until"] as? String == "2026-05-01T12:01:00Z")
    }

    @Test func theDocumentSurvivesARoundTrip() throws {
        _ = site.submit(.ess(.limitCharge(maxChargePower: 1000), from: "cloud", at: site.now()))
        let document = CurrentDataDocument(
            snapshot: site.snapshot(), at: site.clock.base, for: cloud,
            rejected: [
                RejectedControlMode(
                    at: ManualClock.start, target: "ess", path: "activateControlModes.ess", reason: "no")
            ])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(CurrentDataDocument.self, from: encoder.encode(document)) == document)
    }
}
