import Control
import Gateway
import GatewayState
import Modbus
import SiteConfig
import Testing
import Upstreams
import Vocabulary

/// The site's PV production in the native and OpenEMS profiles: the online PV devices' sum,
/// unknown (the profile's sentinel, never 0 W) while none is online.
@Suite struct PVProductionTests {
    static func inverter(_ id: String, power: Double, energy: Double, online: Bool = true) -> DeviceStatus {
        DeviceStatus(
            id: id, kind: .pv, online: online, age: .seconds(1),
            values: ["active_power": power, "energy": energy, "active_power_l1": power / 2],
            identity: [:], ratings: DeviceRatings(maxPower: 10_000))
    }

    static func withPV(_ base: GatewaySnapshot, _ inverters: [DeviceStatus]) -> GatewaySnapshot {
        var snapshot = base
        snapshot.devices += inverters
        return snapshot
    }

    @Test func theSnapshotSumsTheOnlinePVDevicesAndKnowsWhenItCannot() {
        let two = Self.withPV(
            NativeFixture.snapshot,
            [Self.inverter("pv1", power: 4000, energy: 12_000_000), Self.inverter("pv2", power: -3, energy: 5000)])
        // A standby draw of a few watts counts as no production.
        #expect(two.productionActivePower == 4000)
        #expect(two.productionEnergy == 12_005_000)
        let oneAway = Self.withPV(
            NativeFixture.snapshot,
            [
                Self.inverter("pv1", power: 4000, energy: 12_000_000),
                Self.inverter("pv2", power: 1000, energy: 5000, online: false),
            ])
        #expect(oneAway.productionActivePower == 4000)
        #expect(oneAway.productionEnergy == nil)  // a partial sum would make the counter fall
        let night = Self.withPV(NativeFixture.snapshot, [Self.inverter("pv1", power: 0, energy: 9, online: false)])
        #expect(night.productionActivePower == nil)
        #expect(NativeFixture.snapshot.productionActivePower == nil)
        #expect(NativeFixture.snapshot.productionEnergy == nil)
    }

    @Test func nativeSiteTelemetryPublishesProductionOrItsSentinel() throws {
        try NativeFixture.withServer { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("site.pv.activePower") == .int(Int64(Int32.min)))
            #expect(try client.native("site.pv.energy") == .uint(UInt64.max))
        }
        let snapshot = Self.withPV(
            NativeFixture.snapshot,
            [Self.inverter("pv1", power: 6100, energy: 30_000_000), Self.inverter("pv2", power: 900, energy: 2500)])
        try NativeFixture.withServer(snapshot: snapshot) { server, _ in
            let client = try NativeFixture.client(server)
            #expect(try client.native("site.pv.activePower") == .int(7000))
            #expect(try client.native("site.pv.energy") == .uint(30_002_500))
        }
        let map = NativeFixture.map
        #expect(map.register(named: "site.pv.activePower")?.address == 116)
        #expect(map.register(named: "site.pv.energy")?.address == 118)
    }

    @Test func openemsSumPublishesProductionAndCountsItInConsumption() throws {
        let sink = OpenEMSRecordingSink()
        let table = OpenEMSTable(layout: OpenEMSFixture.layout)
        func reader(_ client: ModbusClient) -> (OpenEMSChannel) throws -> Double {
            { channel in
                let address = try #require(table.address(of: channel, in: "_sum"))
                let type = try #require(table.entry(at: address)?.type)
                let words = try client.read(.holding, unit: 1, address: address, count: type.registerCount)
                return words.count == 4
                    ? Double(bitPattern: words.reduce(UInt64(0)) { $0 << 16 | UInt64($1) })
                    : Double(OpenEMSFixture.float(words))
            }
        }
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink)) { server in
            let value = reader(try OpenEMSFixture.client(server))
            #expect(try value(.productionActivePower).isNaN)
            #expect(try value(.productionAcActivePower).isNaN)
            #expect(try value(.productionAcActivePowerL1).isNaN)
            #expect(try value(.productionActiveEnergy).isNaN)
            #expect(try value(.consumptionActivePower) == 4000)  // grid + ESS: no PV at this site
        }
        let sunny = Self.withPV(
            OpenEMSFixture.snapshot(),
            [Self.inverter("pv1", power: 3000, energy: 800_000), Self.inverter("pv2", power: 1200, energy: 200_000)])
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink, snapshot: { sunny })) { server in
            let value = reader(try OpenEMSFixture.client(server))
            #expect(try value(.productionActivePower) == 4200)
            #expect(try value(.productionAcActivePower) == 4200)
            #expect(try value(.productionAcActivePowerL1) == 2100)  // what each reports for L1
            #expect(try value(.productionActiveEnergy) == 1_000_000)
            #expect(try value(.productionAcActiveEnergy) == 1_000_000)
            #expect(try value(.consumptionActivePower) == 2500 + 1500 + 4200)
        }
        let dark = Self.withPV(
            OpenEMSFixture.snapshot(), [Self.inverter("pv1", power: 3000, energy: 800_000, online: false)])
        try OpenEMSFixture.withServer(OpenEMSFixture.profile(sink: sink, snapshot: { dark })) { server in
            let value = reader(try OpenEMSFixture.client(server))
            #expect(try value(.productionActivePower).isNaN)
            // The PV's share is unknown, so the consumption is too.
            #expect(try value(.consumptionActivePower).isNaN)
        }
    }
}
