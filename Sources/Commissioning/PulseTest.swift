import Control
import Foundation
import Gateway
import GatewayState
import Logging
import Modbus
import SiteConfig
import Vocabulary

/// The pulse tests: the site's gateway runs without listeners, and source `commission` (above
/// every other) moves one controllable device at a time: a battery charges with 5 % of its rating
/// for the pulse's duration, then discharges, a chargepoint is limited to the minimum current;
/// then it is released. The gateway's stop hands every device back (its release recipe).
struct PulseTest {
    var site: LoadedSite
    var settings: PulseSettings
    var timeouts: ModbusClient.Timeouts
    var logger: Logger

    /// The pulse checks per device id, for the `devices` given (those the survey reached).
    @available(*, noasync, message: "waits for the devices in real time")
    func run(devices: [String]) -> [String: [CommissionCheck]] {
        var site = site
        let priority = (site.site.sources.map(\.priority).max() ?? 0) + 1
        site.site.sources.removeAll { $0.id == PulseSettings.source }
        site.site.sources.append(
            SourceConfig(id: PulseSettings.source, priority: priority, watchdog: settings.duration * 4))
        let gateway = Gateway(site: site, logger: logger, timeouts: timeouts)
        gateway.startDevices()
        defer { gateway.stop() }
        var results: [String: [CommissionCheck]] = [:]
        let wanted = Set(devices)
        for device in site.site.devices where wanted.contains(device.id) {
            guard let kind = site.maps[device.mapPath]?.kind, kind.isControllable else { continue }
            guard let status = waitOnline(device.id, gateway: gateway) else {
                results[device.id] = [CommissionCheck("pulse", .fail, "the device did not come online for the pulse")]
                continue
            }
            switch kind {
            case .battery: results[device.id] = pulseBattery(status, gateway: gateway)
            case .chargepoint: results[device.id] = [pulseChargepoint(status, gateway: gateway)]
            case .meter, .pv: continue
            }
            gateway.controller.release(SourceID(PulseSettings.source), target: .device(DeviceID(device.id)))
            hold(.seconds(1))
        }
        return results
    }

    private func pulseBattery(_ status: DeviceStatus, gateway: Gateway) -> [CommissionCheck] {
        guard let rating = status.ratings.maxPower else {
            return [
                CommissionCheck(
                    "pulse", .warn, "no max_power in the site file: the pulse needs a rating to size itself")
            ]
        }
        let power = (rating * settings.share).rounded()
        let soc = status.value(.soc)
        var checks: [CommissionCheck] = []
        if let soc, soc >= (status.ratings.maxSoc ?? 100) - 1 {
            checks.append(
                CommissionCheck(
                    "pulse FORCE_CHARGE", .warn, "SoC \(ModeParameter.format(soc)) % is at its maximum: not charged"))
        } else {
            let measured = pulse(.ess(.forceCharge(power: power)), device: status.id, gateway: gateway)
            checks.append(
                PulseJudgement.judge(
                    "pulse FORCE_CHARGE", expected: -power, measured: measured,
                    what: "FORCE_CHARGE \(ModeParameter.format(power)) W"))
        }
        if let soc, soc <= (status.ratings.minSoc ?? 0) + 1 {
            checks.append(
                CommissionCheck(
                    "pulse FORCE_DISCHARGE", .warn,
                    "SoC \(ModeParameter.format(soc)) % is at its reserve: not discharged"))
        } else {
            let measured = pulse(.ess(.forceDischarge(power: power)), device: status.id, gateway: gateway)
            checks.append(
                PulseJudgement.judge(
                    "pulse FORCE_DISCHARGE", expected: power, measured: measured,
                    what: "FORCE_DISCHARGE \(ModeParameter.format(power)) W"))
        }
        return checks
    }

    private func pulseChargepoint(_ status: DeviceStatus, gateway: Gateway) -> CommissionCheck {
        guard status.value(.plugged).map({ $0 != 0 }) ?? false else {
            return CommissionCheck(
                "pulse LIMIT", .warn, "no car plugged in: the chargepoint cannot show that it follows")
        }
        let phases = status.value(.phases) ?? Double(status.ratings.phases ?? 3)
        let expected = minimumChargingCurrent * phases * nominalPhaseVoltage
        let measured = pulse(
            .chargepoint(.limit(current: minimumChargingCurrent)), device: status.id, gateway: gateway)
        // A car may draw less than it is allowed; it never draws more, nor the other way.
        return PulseJudgement.judge(
            "pulse LIMIT", expected: expected, measured: measured, accepted: 0.5...1.3,
            what: "LIMIT \(ModeParameter.format(minimumChargingCurrent)) A on \(ModeParameter.format(phases)) phases")
    }

    /// Holds `mode` on the device for the pulse's duration and returns the mean active power read
    /// over its last third (after the device had time to follow).
    private func pulse(_ mode: Mode, device: String, gateway: Gateway) -> Double? {
        let controller = gateway.controller
        let command = Command(
            source: SourceID(PulseSettings.source), target: .device(DeviceID(device)), mode: mode,
            issuedAt: controller.now())
        if case .failure(let rejection) = controller.submit(command) {
            logger.warning("pulse refused", metadata: ["command": "\(command)", "reason": "\(rejection)"])
            return nil
        }
        let start = ContinuousClock.now
        let measureFrom = start + settings.duration * 2 / 3
        var samples: [Double] = []
        while ContinuousClock.now - start < settings.duration {
            hold(.milliseconds(200))
            controller.refresh(SourceID(PulseSettings.source))
            guard ContinuousClock.now >= measureFrom, let status = controller.snapshot.device(device), status.online,
                let power = status.value(.activePower)
            else { continue }
            samples.append(power)
        }
        return samples.isEmpty ? nil : samples.reduce(0, +) / Double(samples.count)
    }

    private func waitOnline(_ id: String, gateway: Gateway) -> DeviceStatus? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < settings.onlineTimeout {
            if let status = gateway.controller.snapshot.device(id), status.online, !status.values.isEmpty {
                return status
            }
            hold(.milliseconds(100))
        }
        return nil
    }

    private func hold(_ duration: Duration) { Thread.sleep(forTimeInterval: duration.seconds) }
}
