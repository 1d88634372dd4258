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
/// chargepoints' own current registers.
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

    @Test func limitFallbackTakesOverWhenTheMastersForceEndsByWatchdog() throws {
        let limit = SourceFallback(.chargepoint(.limit), parameters: [.current: 6])
        let site = try ScenarioFixture(watchdog: .seconds(2), fallbacks: [limit])
        defer { site.stop() }
        try force(site)
        // The master falls silent. LIMIT 6 A caps the chargepoints' sum: the first keeps the
        // 6 A minimum, the other is switched off.
        #expect(eventually { self.currentLimits(site) == [6, 0] })
        #expect(origin(site) == .fallback)
        #expect(eventually { site.simulation.reading(of: "evse1")?.current == 6 && site.power("evse2") == 0 })
    }

    @Test func zeroFallbackSwitchesEveryChargepointOff() throws {
        let site = try ScenarioFixture(watchdog: .seconds(2), fallbacks: [SourceFallback(.chargepoint(.zero))])
        defer { site.stop() }
        try force(site)
        #expect(eventually { self.currentLimits(site) == [0, 0] })
        #expect(eventually { site.power("evse1") == 0 && site.power("evse2") == 0 })
    }
}
