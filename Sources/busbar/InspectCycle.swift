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

    /// Reads `plan` from the device. When a block read is answered with an exception, the
    /// block's points are read one by one, so one register the device refuses does not hide
    /// its neighbours.
    ///
    /// - Throws: only when the connection is refused: then there is nothing to show.
    @available(*, noasync, message: "blocks on the device")
    static func read(_ map: DeviceMap, plan: [PlannedRead], unit: UInt8, client: ModbusClient) throws(ModbusError)
        -> InspectCycle
    {
        var words: [String: Result<[UInt16], ModbusError>] = [:]
        var requests = 0
        func readPoint(_ point: Point) throws(ModbusError) {
            requests += 1
            do {
                words[point.name] = .success(
                    try client.read(point.table, unit: unit, address: point.address, count: point.count))
            } catch {
                if case .connectionRefused = error.kind { throw error }
                words[point.name] = .failure(error)
            }
        }
        for read in plan {
            let points = read.points.compactMap(map.point(named:))
            requests += 1
            do {
                let block = try client.read(read.table, unit: unit, address: read.address, count: read.count)
                for point in points {
                    let start = point.address - read.address
                    words[point.name] = .success(Array(block[start..<start + point.count]))
                }
            } catch {
                switch error.kind {
                case .connectionRefused:
                    throw error
                case .exception where points.count > 1:
                    for point in points { try readPoint(point) }
                default:
                    for point in points { words[point.name] = .failure(error) }
                }
            }
        }

        var decoded: [String: InspectedPoint] = [:]
        func inspect(_ point: Point) -> InspectedPoint? {
            if let done = decoded[point.name] { return done }
            guard let result = words[point.name] else { return nil }
            let inspected: InspectedPoint
            switch result {
            case .failure(let error):
                inspected = InspectedPoint(point: point, raw: nil, outcome: .unreadable(error, scaleFactor: nil))
            case .success(let raw):
                let scaleFactor = point.scaleRegister.flatMap(map.point(named:)).flatMap(inspect)
                inspected = InspectedPoint.decode(point, words: raw, scaleFactor: scaleFactor)
            }
            decoded[point.name] = inspected
            return inspected
        }
        let points = map.points.compactMap(inspect)
        return InspectCycle(
            points: points, computed: InspectedComputedPoint.evaluate(map, from: points), requests: requests)
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
