import Control
import Foundation
import Gateway
import GatewayState
import Simulation
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// A source's chargepoint fallback end to end: a pymodbus master's FORCE on the demo site's
/// simulated chargepoints ends by watchdog, and the gateway writes the fallback into the
/// chargepoints' own current registers. The runtime runs on a manual clock, so the minute's
/// watchdog runs out in an instant.
@Suite(.serialized)
struct GatewayFallbackTests {
    func currentLimits(_ site: ScenarioFixture) -> [Double?] {
        ["evse1", "evse2"].map { site.simulation.value(of: "current_limit", in: $0) }
    }

    func origin(_ site: ScenarioFixture) -> CommandRef.Origin? {
        site.gateway.controller.snapshot.decision?.activeCommand(for: .chargepointCluster)?.command.origin
    }

    func force(_ site: ScenarioFixture) throws {
        for id in ["evse1", "evse2"] { site.simulation.plug(Car(soc: 20, targetSoc: 90), into: id) }
        #expect(try site.setMode("site.evcs", Int(ChargepointModeKind.force.code)) == nil)
        #expect(eventually { self.currentLimits(site) == [16, 32] })
        #expect(origin(site) == .source(SourceID(GatewaySources.modbus)))
    }

    /// The site with the real 60 s watchdog on a manual clock, the master's FORCE in force, and
    /// its silence run out past the watchdog.
    func silencedForce(fallback: SourceFallback) throws -> ScenarioFixture {
        let clock = ManualRuntimeClock()
        let site = try ScenarioFixture(watchdog: .seconds(60), fallbacks: [fallback], clock: clock)
        try force(site)
        clock.advance(by: .seconds(61))
        return site
    }

    @Test func limitFallbackTakesOverWhenTheMastersForceEndsByWatchdog() throws {
        let site = try silencedForce(fallback: SourceFallback(.chargepoint(.limit), parameters: [.current: 6]))
        defer { site.stop() }
        // The master fell silent. LIMIT 6 A caps the chargepoints' sum: the first keeps the
        // 6 A minimum, the other is switched off.
        #expect(site.settles { self.currentLimits(site) == [6, 0] })
        #expect(origin(site) == .fallback)
        #expect(site.settles { site.simulation.reading(of: "evse1")?.current == 6 && site.power("evse2") == 0 })
    }

    @Test func zeroFallbackSwitchesEveryChargepointOff() throws {
        let site = try silencedForce(fallback: SourceFallback(.chargepoint(.zero)))
        defer { site.stop() }
        #expect(site.settles { self.currentLimits(site) == [0, 0] })
        #expect(site.settles { site.power("evse1") == 0 && site.power("evse2") == 0 })
    }

    /// The force holds after 58 s of silence, and the fallback takes over past 60 s.
    @Test func theMinuteWatchdogRunsOutOnTheInjectedClock() throws {
        let clock = ManualRuntimeClock()
        let limit = SourceFallback(.chargepoint(.limit), parameters: [.current: 6])
        let site = try ScenarioFixture(watchdog: .seconds(60), fallbacks: [limit], clock: clock)
        defer { site.stop() }
        let start = clock.now
        try force(site)
        clock.advance(by: .seconds(58) - (clock.now - start))
        let fresh = {
            site.gateway.controller.snapshot.devices.allSatisfy { $0.online && ($0.age ?? .seconds(99)) < .seconds(1) }
        }
        #expect(site.settles { fresh() && origin(site) == .source(SourceID(GatewaySources.modbus)) })
        #expect(currentLimits(site) == [16, 32])
        #expect(clock.now - start < .seconds(60))
        clock.advance(by: .seconds(61) - (clock.now - start))
        #expect(site.settles { self.currentLimits(site) == [6, 0] })
        #expect(origin(site) == .fallback)
    }
}
