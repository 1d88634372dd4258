import Control
import PropertyBased
import Testing
import Vocabulary

@Suite struct ChargepointAllocationPropertyTests {
    private static let steps: [Amperes] = [0.1, 0.5, 1]

    /// What the EMS asks of one chargepoint, by index: nothing, ZERO, MINIMUM, FORCE, SURPLUS or
    /// LIMIT(`limit`).
    private static func mode(_ index: Int, limit: Amperes) -> ChargepointMode? {
        [nil, .zero, .minimum, .force, .surplus, .limit(current: limit)][index]
    }

    /// Up to five chargepoints (0–40 A, a step of 0.1, 0.5 or 1 A, one to three phases, a
    /// priority, mostly online), each with what the EMS asks of it.
    private static let chargepoints = zip(
        Gen.double(in: 0...40), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen<Bool>.bool(0.85),
        Gen.int(in: 0...5), Gen.double(in: 0...20)
    ).map { maxCurrent, step, phases, priority, online, mode, limit in
        (maxCurrent, steps[step], ChargepointTelemetry.Phases.allCases[phases], priority, online, mode, limit)
    }.array(of: 1...5).map { specs in
        specs.enumerated().map { index, spec in
            (
                snapshot: DeviceSnapshot.chargepoint(
                    DeviceID("cp\(index)"),
                    ChargepointTelemetry(maxCurrent: spec.0, phases: spec.2, currentStep: spec.1), online: spec.4,
                    activePower: 0, priority: spec.3),
                mode: mode(spec.5, limit: spec.6)
            )
        }
    }

    @Test func parkLimitHoldsAndEveryCurrentIsAStepAtOrAboveTheMinimum() async {
        await propertyCheck(
            count: 400, input: Self.chargepoints, Gen.double(in: 0...100), Gen.double(in: -30_000...0),
            Gen<AllocationStrategy>.case
        ) { chargepoints, parkLimit, gridPower, strategy in
            let devices = Dictionary(
                uniqueKeysWithValues: chargepoints.map { ($0.snapshot.id, DeviceKind.chargepoint) })
            var core = ControlCore(
                configuration: ControlConfiguration(
                    sources: [Source(id: "operator", priority: 20), Source(id: "ems", priority: 10)], devices: devices,
                    chargepointStrategy: strategy, surplus: SurplusSettings(startDelay: .zero, stopDelay: .zero)))
            _ = core.apply(.chargepoint(.limit(current: parkLimit), from: "operator", at: .epoch), at: .epoch)
            for (snapshot, mode) in chargepoints {
                guard let mode else { continue }
                _ = core.apply(.chargepoint(mode, from: "ems", on: .device(snapshot.id), at: .epoch), at: .epoch)
            }
            let site = SiteSnapshot(devices: chargepoints.map(\.snapshot), gridPower: gridPower)
            let decision = core.decide(site: site, at: .epoch)

            var sum: Amperes = 0
            for (snapshot, mode) in chargepoints {
                let order = decision.order(snapshot.id)
                guard snapshot.online else {
                    #expect(order == .auto)
                    continue
                }
                guard case .current(let current) = order else {
                    Issue.record("\(snapshot.id) got \(String(describing: order)) under a park limit")
                    continue
                }
                let telemetry = snapshot.chargepoint!
                let steps = current / telemetry.currentStep
                #expect(
                    abs(steps - steps.rounded()) < 1e-6, "\(current) A is not a multiple of \(telemetry.currentStep) A")
                #expect(current == 0 || current >= ChargepointMode.minimumCurrent, "\(current) A is below the minimum")
                #expect(current <= telemetry.maxCurrent + 1e-9)
                if case .limit(let limit) = mode { #expect(current <= limit + 1e-9) }
                sum += current
            }
            #expect(sum <= parkLimit + 1e-9, "the chargepoints draw \(sum) A under a limit of \(parkLimit) A")
        }
    }

    @Test func chargepointsACommandHoldsGetACurrentAndTheOthersAreReleased() async {
        await propertyCheck(count: 300, input: Self.chargepoints, Gen.double(in: -30_000...0)) { chargepoints, grid in
            let devices = Dictionary(
                uniqueKeysWithValues: chargepoints.map { ($0.snapshot.id, DeviceKind.chargepoint) })
            var core = ControlCore(
                configuration: ControlConfiguration(
                    sources: [Source(id: "ems", priority: 10)], devices: devices,
                    surplus: SurplusSettings(startDelay: .zero, stopDelay: .zero)))
            for (snapshot, mode) in chargepoints {
                guard let mode else { continue }
                _ = core.apply(.chargepoint(mode, from: "ems", on: .device(snapshot.id), at: .epoch), at: .epoch)
            }
            let site = SiteSnapshot(devices: chargepoints.map(\.snapshot), gridPower: grid)
            let decision = core.decide(site: site, at: .epoch)
            for (snapshot, mode) in chargepoints {
                let order = decision.order(snapshot.id)
                if snapshot.online, mode != nil {
                    guard case .current = order else {
                        Issue.record("\(snapshot.id) under \(mode!) got \(String(describing: order))")
                        continue
                    }
                } else {
                    #expect(order == .auto, "\(snapshot.id) is held by nothing")
                }
            }
        }
    }
}
