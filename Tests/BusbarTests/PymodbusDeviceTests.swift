import SiteConfig
import TestSupport
import Testing

/// `busbar run` against pymodbus devices laid out from the shipped maps: telemetry that pymodbus
/// encodes reads through the native profile in busbar's signs, and a command given through the
/// native profile lands in pymodbus's datastore as the words the vendor documents. The raw
/// values and the expected words are written here from the vendors' register lists, not with
/// busbar's codec.
@Suite(.serialized)
struct PymodbusDeviceTests {
    @Test func smaReportsDischargeAsPositiveAndTakesSetPowerAsInt32Words() throws {
        let file = "sma-sunny-boy-storage.yaml"
        let port = freePort()
        // SMA: AC power positive while discharging, SoC in %, all U32/S32.
        let device = try PymodbusMapDevice(
            .init(
                map: loadShippedMap(file),
                values: ["active_power": 1200, "soc": 63, "charge_power": 0, "discharge_power": 1200]),
            on: .tcp(port: port))
        let site = try RunningSite(devices: [
            "{id: ess1, map: \(shippedMap(file)), uri: \"127.0.0.1:\(port)\", unit: 3, capacity: 9.8 kWh, max_power: 6 kW}"
        ])
        #expect(eventually { site.master.value("ess1.soc") == 63 })
        #expect(site.master.value("ess1.activePower") == 1200)

        // Charging 5000 W: SMA wants −5000 in the S32 set-point with power control via
        // communication active (802), the BMS in its default mode (2424) and both limits at
        // the SBS 6.0's 6000 W.
        try #require(site.master.setMode("ess1", "SET_POWER", parameter: -5000) == nil)
        #expect(try eventually { try device.words("power_control") == ModbusWords.uint32(802) })
        #expect(try device.words("power_setpoint") == ModbusWords.int32(-5000))
        #expect(try device.words("bms_mode") == ModbusWords.uint32(2424))
        #expect(try device.words("max_charge_power") == ModbusWords.uint32(6000))
        #expect(try device.words("max_discharge_power") == ModbusWords.uint32(6000))
        // SMA's 32-bit registers take both words in one FC16.
        let writes = try device.state().writes
        #expect(!writes.isEmpty)
        #expect(writes.allSatisfy { $0.functionCode == 16 && $0.values.count == 2 }, "\(writes)")
    }

    @Test func victronChargingReadsAsNegativeAndSetPowerUsesEssMode3OnBothUnits() throws {
        let file = "victron-gx-ess.yaml"
        let map = try loadShippedMap(file)
        let port = freePort()
        // Victron GX on unit 100: 51.2 V (scalefactor 10), +15.6 A and +800 W while charging
        // (Victron counts charging as positive), SoC 55 %, ESS mode 1, no limits (−1).
        let device = try PymodbusMapDevice(
            .init(
                map: map, unit: 100,
                values: [
                    "battery_voltage": 512, "battery_current": 156, "active_power": 800, "soc": 55, "state": 1,
                    "max_discharge_limit": -1, "max_charge_current": -1, "min_soc": 100, "ess_mode": 1,
                ]),
            on: .tcp(port: port))
        let site = try RunningSite(devices: [
            "{id: ess1, map: \(shippedMap(file)), uri: \"127.0.0.1:\(port)\", unit: 100, capacity: 10 kWh, max_power: 5 kW}"
        ])
        #expect(eventually { site.master.value("ess1.soc") == 55 })
        #expect(site.master.value("ess1.activePower") == -800)

        // Discharging 4000 W: ESS mode 3 (external control, 2902 = 3 on unit 100) with the AC
        // set-points of the VE.Bus unit 227 (37, 40, 41), negative for feeding in, whole watts;
        // charge and feed-in not disabled (38, 39); no inverter or charge-current limit (−1).
        try #require(site.master.setMode("ess1", "SET_POWER", parameter: 4000) == nil)
        #expect(try eventually { try device.words("ess_mode") == [3] })
        let phases = try ["setpoint_l1", "setpoint_l2", "setpoint_l3"].map { name in
            try #require(try device.words(name)).map(ModbusWords.int16Value)[0]
        }
        #expect(phases.reduce(0, +) == -4000, "\(phases)")
        #expect(phases.allSatisfy { abs(Double($0) + 4000.0 / 3) <= 1 }, "\(phases)")
        #expect(try device.words("disable_charge") == [0])
        #expect(try device.words("disable_feed_in") == [0])
        #expect(try device.words("max_discharge_limit") == ModbusWords.int16(-1))
        #expect(try device.words("max_charge_current") == ModbusWords.int16(-1))

        // The set-points are in place before the GX hands the Multi to external control.
        let writes = try device.state().writes
        let essMode = try #require(map.point(named: "ess_mode"))
        let switchToExternal = try #require(
            writes.lastIndex { $0.unit == 100 && $0.address == essMode.address && $0.values == [3] })
        let lastSetpoint = try #require(writes.lastIndex { $0.unit == 227 })
        #expect(lastSetpoint < switchToExternal, "\(writes)")
    }

    @Test func alfenReportsItsPowerAndTakesTheCurrentLimitAsFloat32InOneFC16() throws {
        let file = "alfen-ng9xx.yaml"
        let map = try loadShippedMap(file)
        let port = freePort()
        // An Alfen socket charging a car on three phases at 10 A: float32 volts, amperes, watts.
        let device = try PymodbusMapDevice(
            .init(
                map: map,
                values: [
                    "voltage_l1": 230.0, "voltage_l2": 230.0, "voltage_l3": 230.0, "current_l1": 10.0,
                    "current_l2": 10.0, "current_l3": 10.0, "active_power": 6900.0, "energy": 1_234_567.0,
                    "status": "C2", "applied_current_limit": 10.0, "current_limit": 10.0, "safe_current": 6.0,
                    "setpoint_accepted": 1, "phases": 3,
                ]),
            on: .tcp(port: port))
        let site = try RunningSite(devices: [
            "{id: evse1, map: \(shippedMap(file)), uri: \"127.0.0.1:\(port)\", unit: 1, max_current: 16 A, phases: 3}"
        ])
        #expect(eventually { site.master.value("evse1.activePower") == 6900 })

        // 13 A: the max current set-point at 1210 is a float32, which the NG9xx takes by FC16 only.
        try #require(site.master.setMode("evse1", "LIMIT", parameter: 13) == nil)
        #expect(try eventually { try device.words("current_limit") == ModbusWords.float32(13) })
        let limit = try #require(map.point(named: "current_limit"))
        let writes = try device.state().writes.filter { $0.address == limit.address }
        #expect(!writes.isEmpty)
        #expect(writes.allSatisfy { $0.functionCode == 16 && $0.values.count == 2 }, "\(writes)")
    }
}
