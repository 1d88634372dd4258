import DeviceIO
import Modbus
import SiteConfig

/// One pass of `busbar inspect` over a device: every readable point of the map, read with the
/// planned block reads.
struct InspectCycle {
    /// In the order the map declares them.
    var points: [InspectedPoint]
    /// The map's computed points, worked out from `points`.
    var computed: [InspectedComputedPoint] = []
    /// Requests sent, fallbacks included.
    var requests: Int

    /// Reads `plan` from the device on `unit` (points with a unit id of their own on theirs) as
    /// a survey: when a block read is answered with an exception, the block's points are read
    /// one by one, so one register the device refuses does not hide its neighbours.
    ///
    /// - Throws: only when the connection is refused: then there is nothing to show.
    @available(*, noasync, message: "blocks on the device")
    static func read(_ map: DeviceMap, plan: [PlannedRead], unit: UInt8, client: ModbusClient) throws(ModbusError)
        -> InspectCycle
    {
        let read = try DeviceRead.perform(plan, of: map, deviceUnit: Int(unit), client: client, policy: .survey)
        let reading = DecodedReading(read, map: map)
        return InspectCycle(
            points: reading.points.map { InspectedPoint(decoded: $0) },
            computed: InspectedComputedPoint.all(of: map, in: reading), requests: reading.requests)
    }

    /// Marks the points whose raw words differ from `previous`.
    mutating func markChanges(since previous: InspectCycle) {
        let before = Dictionary(
            previous.points.map { ($0.point.name, $0.raw) }, uniquingKeysWith: { first, _ in first })
        for index in points.indices {
            guard let old = before[points[index].point.name] else { continue }
            points[index].changed = old != points[index].raw
        }
        let computedBefore = Dictionary(
            previous.computed.map { ($0.point.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        for index in computed.indices {
            guard let old = computedBefore[computed[index].point.name] else { continue }
            computed[index].changed = old != computed[index].value
        }
    }

    var unreadable: Int {
        points.count(where: { if case .unreadable = $0.outcome { true } else { false } })
    }

    /// The exit status when nothing could be read: 1 when the device answered every read with
    /// an exception, 2 when it did not answer. Nil when at least one point was read (or the map
    /// has nothing to read).
    var failureStatus: Int32? {
        guard !points.isEmpty, unreadable == points.count else { return nil }
        let allExceptions = points.allSatisfy { point in
            if case .unreadable(let error, _) = point.outcome, case .exception = error.kind { return true }
            return false
        }
        return allExceptions ? 1 : 2
    }
}
