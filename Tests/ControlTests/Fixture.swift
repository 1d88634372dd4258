import Control
import Vocabulary

/// Sources, devices and sites shared by the control suites.
enum Fixture {
    /// The master EMS: priority 10, watchdog 60 s.
    static let ems: SourceID = "ems"
    /// The local operator: priority 20, wins over the EMS.
    static let local: SourceID = "local"
    /// A schedule: priority 0, loses to everyone.
    static let schedule: SourceID = "schedule"

    static let t0 = ControlInstant.seconds(1_000)

    static let sources = [
        Source(id: ems, priority: 10),
        Source(id: local, priority: 20),
        Source(id: schedule, priority: 0),
    ]

    static let devices: [DeviceID: DeviceKind] = [
        "bat1": .battery, "bat2": .battery, "bat3": .battery, "cp1": .chargepoint, "cp2": .chargepoint,
    ]

    static func configuration(
        sources: [Source] = sources, fallbacks: [Target: Mode] = [:], essStrategy: AllocationStrategy = .proportional,
        chargepointStrategy: AllocationStrategy = .equal,
        surplus: SurplusSettings = SurplusSettings(startDelay: .seconds(60), stopDelay: .seconds(180))
    ) -> ControlConfiguration {
        ControlConfiguration(
            sources: sources, devices: devices, fallbacks: fallbacks, essStrategy: essStrategy,
            chargepointStrategy: chargepointStrategy, surplus: surplus)
    }

    static func core(
        sources: [Source] = sources, fallbacks: [Target: Mode] = [:], essStrategy: AllocationStrategy = .proportional
    ) -> ControlCore {
        ControlCore(configuration: configuration(sources: sources, fallbacks: fallbacks, essStrategy: essStrategy))
    }

    /// A 10 kWh battery allowed ±`power` W, rated 5 kW, with a 10 % reserve.
    static func battery(
        _ id: DeviceID, soc: Percent = 50, power: Watts = 5_000, online: Bool = true,
        supportedModes: Set<ModeKind> = Set(ModeKind.allEss)
    ) -> DeviceSnapshot {
        .battery(
            id,
            BatteryTelemetry(
                soc: soc, capacity: 10_000, allowedChargePower: -power, allowedDischargePower: power, ratedPower: 5_000,
                minSoc: 10, maxSoc: 100),
            online: online, supportedModes: supportedModes)
    }

    /// A chargepoint of 16 A (unless told) taking tenths of an ampere (unless told).
    static func chargepoint(
        _ id: DeviceID, maxCurrent: Amperes = 16, currentStep: Amperes = ChargepointTelemetry.defaultCurrentStep,
        phases: ChargepointTelemetry.Phases = .three, activePower: Watts = 0, online: Bool = true,
        priority: Int = 0, supportedModes: Set<ModeKind> = Set(ModeKind.allChargepoint)
    ) -> DeviceSnapshot {
        .chargepoint(
            id, ChargepointTelemetry(maxCurrent: maxCurrent, phases: phases, currentStep: currentStep), online: online,
            activePower: activePower, supportedModes: supportedModes, priority: priority)
    }

    /// Two batteries at 50 %, two chargepoints, no grid flow.
    static let site = SiteSnapshot(
        devices: [battery("bat1"), battery("bat2"), chargepoint("cp1"), chargepoint("cp2")], gridPower: 0)

    /// Two batteries only.
    static func batteries(
        _ first: DeviceSnapshot = battery("bat1"), _ second: DeviceSnapshot = battery("bat2")
    ) -> SiteSnapshot {
        SiteSnapshot(devices: [first, second])
    }
}

extension ControlCore {
    /// Applies `command` and fails the test when it is rejected.
    mutating func accept(_ command: Command, at now: ControlInstant? = nil) throws {
        _ = try apply(command, at: now ?? command.issuedAt).get()
    }
}
