import Control
import PropertyBased
import Testing
import Vocabulary

@Suite struct ClusterTargetPropertyTests {
    /// Up to five batteries with random SoC, allowed power and online state.
    private static let batteries = zip(
        Gen.double(in: 0...100), Gen.double(in: 0...8_000), Gen.double(in: 0...8_000), Gen<Bool>.bool(0.8)
    ).map { soc, charge, discharge, online in
        (soc, charge, discharge, online)
    }.array(of: 1...5).map { specs in
        specs.enumerated().map { index, spec in
            DeviceSnapshot.battery(
                DeviceID("bat\(index)"),
                BatteryTelemetry(
                    soc: spec.0, capacity: 10_000, allowedChargePower: -spec.1, allowedDischargePower: spec.2,
                    ratedPower: 5_000, minSoc: 10, maxSoc: 95),
                online: spec.3)
        }
    }

    @Test func clusterSetPowerSumsToTheClampedTargetWithinEveryBatteryLimit() async {
        let targets = Gen.double(in: -40_000...40_000)
        await propertyCheck(count: 300, input: Self.batteries, targets, Gen<AllocationStrategy>.case) {
            batteries, target, strategy in
            let devices = Dictionary(uniqueKeysWithValues: batteries.map { ($0.id, DeviceKind.battery) })
            var core = ControlCore(
                configuration: ControlConfiguration(
                    sources: [Source(id: "ems", priority: 1)], devices: devices, essStrategy: strategy))
            _ = core.apply(.ess(.setPower(target), from: "ems", at: .epoch), at: .epoch)
            let decision = core.decide(site: SiteSnapshot(devices: batteries), at: .epoch)

            let online = batteries.filter(\.online)
            let reachable = online.map { $0.battery!.limits }.reduce(PowerInterval.point(0)) { $0 + $1 }
            var sum = 0.0
            for battery in batteries {
                let order = decision.order(battery.id)
                guard battery.online else {
                    #expect(order == .auto)
                    continue
                }
                guard case .setpoint(let value) = order else {
                    Issue.record("\(battery.id) got \(String(describing: order))")
                    continue
                }
                #expect(battery.battery!.limits.contains(value))
                sum += value
            }
            if online.isEmpty {
                #expect(decision.lost.map(\.reason) == [.noOnlineDevice])
            } else {
                #expect(abs(sum - reachable.clamp(target)) <= 1e-6)
            }
        }
    }
}
