import DeviceIO
import Foundation
import Modbus
public import SiteConfig
import Vocabulary

/// The part of commissioning that only reads: reachability and round-trip time, identity, every
/// point read with the survey policy, and the plausibility of what was read.
enum DeviceSurvey {
    /// Surveys `device` through `map`.
    @available(*, noasync, message: "blocks on the device")
    static func survey(_ device: DeviceConfig, map: DeviceMap, timeouts: ModbusClient.Timeouts) -> DeviceCommissioning {
        let plan = ReadPlanner.plan(map: map)
        var result = DeviceCommissioning(
            id: device.id, kind: map.kind.rawValue, map: map.name, endpoint: device.endpoint.description,
            unit: device.unit, requestsPerCycle: plan.count)
        let reading: DecodedReading
        do {
            let client = try ModbusClient(endpoint: device.endpoint, timeouts: timeouts)
            defer { client.close() }
            try client.connect()
            let started = ContinuousClock.now
            let read = try DeviceRead.perform(plan, of: map, deviceUnit: device.unit, client: client, policy: .survey)
            // The survey's own requests, timed together: the mean round trip of one.
            let roundTrip = (ContinuousClock.now - started).milliseconds / Double(max(read.requests, 1))
            reading = DecodedReading(read, map: map)
            if !reading.points.isEmpty, reading.points.allSatisfy({ $0.number == nil && $0.raw == nil }) {
                result.checks.append(
                    CommissionCheck("reachable", .fail, "connected, but no point could be read: \(reasons(reading))"))
                result.points = points(of: reading, map: map, device: device)
                return result
            }
            result.roundTripMilliseconds = roundTrip
            result.checks.append(
                CommissionCheck(
                    "reachable", .pass,
                    "\(device.endpoint) unit \(device.unit), \(ModeParameter.format(roundTrip)) ms per request (mean of \(read.requests))"
                ))
        } catch {
            result.checks.append(CommissionCheck("reachable", .fail, "\(device.endpoint): \(error.reason)"))
            return result
        }
        result.identity = reading.identity
        result.points = points(of: reading, map: map, device: device)
        result.checks.append(
            CommissionCheck(
                "read plan", .pass,
                "\(plan.count) request\(plan.count == 1 ? "" : "s") per cycle for \(map.points.count) points"))
        result.checks += PlausibilityRules.checks(of: reading, map: map, device: device)
        return result
    }

    private static func reasons(_ reading: DecodedReading) -> String {
        Set(reading.points.compactMap(\.failure)).sorted().joined(separator: "; ")
    }

    private static func points(of reading: DecodedReading, map: DeviceMap, device: DeviceConfig)
        -> [DeviceCommissioning.ReadPoint]
    {
        var points = reading.points.map { decoded in
            let point = decoded.point
            let place =
                "\(point.table.rawValue) \(point.address)"
                + (point.unit(device: device.unit) != device.unit
                    ? " unit \(point.unit(device: device.unit))" : "")
            let verdict: Verdict = if case .unreadable = decoded.outcome { .warn } else { .pass }
            return DeviceCommissioning.ReadPoint(
                name: point.name, register: place, shown: decoded.shown, verdict: verdict)
        }
        points += map.computed.map { computed in
            let value = reading.computed[computed.name] ?? nil
            return DeviceCommissioning.ReadPoint(
                name: computed.name, register: "computed",
                shown: value.map { ModeParameter.format($0) + (computed.unit.map { " \($0)" } ?? "") } ?? "n/a",
                verdict: .pass)
        }
        return points
    }

}
