import Control
import Foundation
import Gateway
import GatewayState
import Logging
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// What the gateway writes, it answers for: a command that ends, a clean stop or a device that
/// restarts leaves every device in a known state. Each test reads the simulated devices' own
/// registers, not what the gateway believes it wrote.
@Suite(.serialized)
struct DeviceOwnershipTests {
    static let phoenix = ["evse2": "phoenix-ev-charge-control.yaml"]

    func code(_ kind: EssModeKind) -> Int { Int(kind.code) }
    func code(_ kind: ChargepointModeKind) -> Int { Int(kind.code) }

    /// The Alfen and the Phoenix charger are charging at FORCE's maximum current.
    func forced(_ site: ScenarioFixture) -> Bool {
        site.held("current_limit", in: "evse1") == 16 && site.held("charging_enabled", in: "evse2") == 1
            && site.held("current_limit", in: "evse2") == 32
    }

    /// The Alfen is back at its safe current and the Phoenix charger's enable coil is off.
    func released(_ site: ScenarioFixture) -> Bool {
        site.held("current_limit", in: "evse1") == site.held("safe_current", in: "evse1")
            && site.held("charging_enabled", in: "evse2") == 0
    }

    @Test func aChargepointCommandEndedByTheWatchdogHandsTheChargersBack() throws {
        let clock = ManualRuntimeClock()
        let site = try ScenarioFixture(maps: Self.phoenix, clock: clock)
        defer { site.stop() }
        #expect(try site.setMode("site.evcs", code(.force)) == nil)
        #expect(site.settles { forced(site) })
        // The master falls silent: past its 60 s watchdog every charger is handed back.
        clock.advance(by: .seconds(61))
        #expect(site.settles { released(site) })
    }

    @Test func aChargepointCommandWhoseDurationRunsOutHandsTheChargersBack() throws {
        let clock = ManualRuntimeClock()
        let site = try ScenarioFixture(maps: Self.phoenix, clock: clock)
        defer { site.stop() }
        #expect(try site.setMode("site.evcs", code(.force), duration: 300) == nil)
        #expect(site.settles { forced(site) })
        clock.advance(by: .seconds(299))
        #expect(site.settles { forced(site) && site.gateway.clock.now > .now })
        clock.advance(by: .seconds(2))
        #expect(site.settles { released(site) })
    }

    @Test func aReleasedChargepointCommandHandsTheChargersBack() throws {
        let site = try ScenarioFixture(maps: Self.phoenix)
        defer { site.stop() }
        #expect(try site.setMode("site.evcs", code(.force)) == nil)
        #expect(eventually { forced(site) })
        #expect(try site.setMode("site.evcs", 255) == nil)  // RELEASE
        #expect(eventually { released(site) })
    }

    /// Every device of the demo site holds its released state: Victron in ESS mode 1 with its
    /// set-points cleared, SMA under its own control, Alfen and Webasto at their safe current.
    func demoReleased(_ site: ScenarioFixture) -> Bool {
        site.held("ess_mode", in: "ess1") == 1
            && ["setpoint_l1", "setpoint_l2", "setpoint_l3"].allSatisfy { site.held($0, in: "ess1") == 0 }
            && site.held("power_control", in: "ess2") == 803 && site.held("bms_mode", in: "ess2") == 2424
            && site.held("current_limit", in: "evse1") == site.held("safe_current", in: "evse1")
            && site.held("current_limit", in: "evse2") == site.held("safe_current", in: "evse2")
    }

    @Test func aSilentMasterLeavesEveryDemoDeviceInItsReleasedState() throws {
        let clock = ManualRuntimeClock()
        let site = try ScenarioFixture(clock: clock)
        defer { site.stop() }
        #expect(try site.setMode("site.evcs", code(.force)) == nil)
        #expect(try site.setMode("site.ess", code(.forceDischarge), parameter: 3000) == nil)
        #expect(
            site.settles { site.held("ess_mode", in: "ess1") == 3 && site.held("current_limit", in: "evse2") == 32 })
        #expect(!demoReleased(site))
        clock.advance(by: .seconds(61))
        #expect(site.settles { demoReleased(site) })
    }

    @Test func aCleanStopHandsEveryDeviceBack() throws {
        let site = try ScenarioFixture(maps: Self.phoenix)
        defer { site.simulation.stop() }
        #expect(try site.setMode("site.evcs", code(.force)) == nil)
        #expect(try site.setMode("site.ess", code(.forceDischarge), parameter: 3000) == nil)
        #expect(eventually { forced(site) && site.held("ess_mode", in: "ess1") == 3 })
        #expect(site.held("power_control", in: "ess2") != 803 || site.held("bms_mode", in: "ess2") != 2424)
        // The graceful shutdown of the site's services, as on SIGTERM: the listeners close
        // before the devices are handed back, so no master can order anything after.
        site.running.stop()
        #expect(throws: ModbusError.self) {
            try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: site.nativePort)).connect()
        }
        // Stopped: nothing busbar wrote is left in force. Victron back in ESS mode 1 with its
        // set-points cleared, SMA under its own control, chargers at their safe state.
        #expect(site.held("ess_mode", in: "ess1") == 1)
        for phase in ["setpoint_l1", "setpoint_l2", "setpoint_l3"] {
            #expect(site.held(phase, in: "ess1") == 0)
        }
        #expect(site.held("power_control", in: "ess2") == 803)
        #expect(site.held("bms_mode", in: "ess2") == 2424)
        #expect(released(site))
    }

    @Test func aChargerThatLosesItsOrderMidCommandIsWrittenAgain() throws {
        let site = try ScenarioFixture(maps: Self.phoenix)
        defer { site.stop() }
        #expect(try site.setMode("evse2", code(.limit), parameter: 12) == nil)
        #expect(
            eventually {
                site.held("charging_enabled", in: "evse2") == 1 && site.held("current_limit", in: "evse2") == 12
            })
        // The charger restarts: its coil off and 0 A, as after a power cycle (written by a
        // second master straight into the device).
        let port = try #require(site.port(of: "evse2"))
        _ = try site.master([
            ["port": port, "unit": 255, "op": "write", "address": 528, "items": [["uint16", 0]]],
            ["port": port, "unit": 255, "op": "coil", "address": 400, "value": false],
        ])
        #expect(
            eventually {
                site.held("charging_enabled", in: "evse2") == 1 && site.held("current_limit", in: "evse2") == 12
            })
    }

    @Test func aReissuedOrderIsWrittenAgainAndReArmsTheValidityTimer() throws {
        let site = try ScenarioFixture(maps: Self.phoenix)
        defer { site.stop() }
        #expect(try site.setMode("evse1", code(.limit), parameter: 12) == nil)
        #expect(eventually { site.held("current_limit", in: "evse1") == 12 })
        #expect(try site.setMode("evse1", 255) == nil)
        #expect(eventually { site.held("current_limit", in: "evse1") == 6 })
        // Let the validity timer run down a little, then order the same again.
        Thread.sleep(forTimeInterval: 2)
        #expect(try site.setMode("evse1", code(.limit), parameter: 12) == nil)
        // Re-armed: the station's validity counts from the new write, not from the first one
        // (the simulator publishes it at its next tick).
        #expect(
            eventually {
                site.held("current_limit", in: "evse1") == 12
                    && (site.held("validity_remaining", in: "evse1") ?? 0) > 58
            })
    }

    @Test func aSecondGatewayThatCannotListenTouchesNoDevice() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("site.ess", code(.forceDischarge), parameter: 3000) == nil)
        #expect(eventually { site.held("ess_mode", in: "ess1") == 3 })
        #expect(eventually { abs(site.essPower - 3000) < 50 })  // once the batteries' lag has settled
        let second = Gateway(site: site.loaded, logger: Logger(label: "second"))
        #expect(throws: (any Error).self) {
            try second.start(upstreams: second.upstreamHandlers(listen: [.native: ("127.0.0.1", site.nativePort)]))
        }
        second.stop()
        // The first gateway's order stands: the second never polled nor wrote.
        Thread.sleep(forTimeInterval: 1)
        #expect(site.held("ess_mode", in: "ess1") == 3)
        #expect(abs(site.essPower - 3000) < 50)
    }

    @Test func aParkLimitIsNeverExceededByRoundingToWholeAmperes() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("site.evcs", code(.limit), parameter: 15) == nil)
        let alfen = { site.held("current_limit", in: "evse1") ?? .nan }
        let webasto = { site.held("current_limit", in: "evse2") ?? .nan }
        // The Webasto takes whole amperes: its share is rounded down, never up past the limit.
        #expect(
            eventually {
                alfen() >= 6 && webasto() >= 6 && alfen() + webasto() <= 15 && webasto() == webasto().rounded()
            })
        #expect(alfen() + webasto() <= 15)
    }

    @Test func everyChargepointUnderAParkLimitGetsAnExplicitCurrent() throws {
        let site = try ScenarioFixture()
        defer { site.stop() }
        #expect(try site.setMode("evse1", code(.limit), parameter: 10) == nil)
        #expect(eventually { site.held("current_limit", in: "evse1") == 10 })
        #expect(try site.setMode("evse1", 255) == nil)
        // A park limit above both chargepoints' maximum: each is written its own maximum, none
        // keeps a stale current.
        #expect(try site.setMode("site.evcs", code(.limit), parameter: 60) == nil)
        #expect(
            eventually {
                site.held("current_limit", in: "evse1") == 16 && site.held("current_limit", in: "evse2") == 32
            })
    }
}
