import Control
import Testing
import Vocabulary

@Suite struct SocReserveTests {
    private func telemetry(soc: Percent, charge: Watts = -5_000, discharge: Watts = 5_000) -> BatteryTelemetry {
        BatteryTelemetry(
            soc: soc, capacity: 10_000, allowedChargePower: charge, allowedDischargePower: discharge, ratedPower: 5_000,
            minSoc: 10, maxSoc: 95)
    }

    @Test func batteryAtItsReserveDoesNotDischarge() {
        #expect(telemetry(soc: 10).limits == PowerInterval(min: -5_000, max: 0))
        #expect(telemetry(soc: 4).limits == PowerInterval(min: -5_000, max: 0))
    }

    @Test func fullBatteryDoesNotCharge() {
        #expect(telemetry(soc: 95).limits == PowerInterval(min: 0, max: 5_000))
    }

    @Test func limitsAreAllowedPowerWithinRatedPower() {
        #expect(telemetry(soc: 50, charge: -8_000, discharge: 3_000).limits == PowerInterval(min: -5_000, max: 3_000))
    }

    @Test func allowedPowerWithTheWrongSignCountsAsZero() {
        #expect(telemetry(soc: 50, charge: 2_000, discharge: -1_000).limits == PowerInterval(min: 0, max: 0))
        #expect(telemetry(soc: 50, charge: .nan, discharge: .nan).limits == PowerInterval(min: 0, max: 0))
    }

    @Test func forcedDischargeSkipsTheBatteryAtItsReserve() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceDischarge(power: 6_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", soc: 10), Fixture.battery("bat2", soc: 60))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(0))
        #expect(decision.order("bat2") == .setpoint(5_000))
        #expect(decision.activeCommand(for: .essCluster)?.clampedTo == 5_000)
        #expect(decision.ess.allowedDischargePower == 5_000)
    }

    @Test func forcedChargeSkipsTheFullBattery() throws {
        var core = Fixture.core()
        try core.accept(.ess(.forceCharge(power: 3_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", soc: 100), Fixture.battery("bat2", soc: 60))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(0))
        #expect(decision.order("bat2") == .setpoint(-3_000))
        #expect(decision.ess.allowedChargePower == -5_000)
    }

    @Test func setPowerOnABatteryAtItsReserveIsLostAndTheBatteryIdles() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(2_000), from: Fixture.ems, on: .device("bat1"), at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", soc: 9), Fixture.battery("bat2"))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(decision.order("bat1") == .setpoint(0))
        #expect(decision.activeCommand(for: .device("bat1")) == nil)
        #expect(
            decision.losses(of: Fixture.ems, on: .device("bat1")).map(\.reason) == [
                .clampedAway(bounds: PowerInterval(min: -5_000, max: 0))
            ])
    }

    @Test func offlineBatteryTakesNoShare() throws {
        var core = Fixture.core()
        try core.accept(.ess(.setPower(-4_000), from: Fixture.ems, at: Fixture.t0))
        let site = Fixture.batteries(Fixture.battery("bat1", online: false), Fixture.battery("bat2"))
        let decision = core.decide(site: site, at: Fixture.t0)
        #expect(
            decision.device("bat1")
                == DeviceDecision(device: "bat1", online: false, order: .auto, recipes: [.ess(.auto)], origins: []))
        #expect(decision.order("bat2") == .setpoint(-4_000))
        #expect(decision.ess.online == 1)
    }

    @Test func clusterSocIsWeightedByCapacity() {
        func battery(_ id: DeviceID, soc: Percent, capacity: WattHours) -> DeviceSnapshot {
            .battery(
                id,
                BatteryTelemetry(
                    soc: soc, capacity: capacity, allowedChargePower: 0, allowedDischargePower: 0, ratedPower: 1))
        }
        let small = battery("small", soc: 100, capacity: 1_000)
        let large = battery("large", soc: 0, capacity: 3_000)
        #expect(SiteSnapshot(devices: [small, large]).clusterSoc == 25)
        #expect(SiteSnapshot(devices: []).clusterSoc == nil)
    }
}
