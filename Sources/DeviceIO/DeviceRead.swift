public import Modbus
public import SiteConfig

/// The words one pass over a device's read plan brought back, per point, and what failed.
public struct DeviceRead: Sendable {
    /// The words of each point that was read, by point name (0/1 for coils and discrete inputs).
    public var words: [String: [UInt16]] = [:]
    /// Why each point that was not read failed, by point name.
    public var failures: [String: ModbusError] = [:]
    /// Requests sent, fallbacks included.
    public var requests = 0

    public init() {}

    /// Runs `plan` against the device on `deviceUnit`, each request on the unit id of the points
    /// it serves (a point's own `device_address` before the device's).
    ///
    /// - Throws: with ``ReadPolicy/poll``, the first failure that is not a Modbus exception;
    ///   with ``ReadPolicy/survey``, only a refused connection.
    @available(*, noasync, message: "blocks on the device")
    public static func perform(
        _ plan: [PlannedRead], of map: DeviceMap, deviceUnit: Int, client: ModbusClient, policy: ReadPolicy
    ) throws(ModbusError) -> DeviceRead {
        var read = DeviceRead()
        for block in plan {
            let points = block.points.compactMap(map.point(named:))
            read.requests += 1
            do {
                let words = try client.read(
                    block.table, unit: UInt8(clamping: block.unit(device: deviceUnit)), address: block.address,
                    count: block.count)
                for point in points {
                    let start = point.address - block.address
                    read.words[point.name] = Array(words[start..<start + point.count])
                }
            } catch {
                switch (policy, error.kind) {
                case (.poll, .exception):
                    for point in points { read.failures[point.name] = error }
                case (.poll, _), (.survey, .connectionRefused):
                    throw error
                case (.survey, .exception) where points.count > 1:
                    for point in points { try read.readAlone(point, deviceUnit: deviceUnit, client: client) }
                case (.survey, _):
                    for point in points { read.failures[point.name] = error }
                }
            }
        }
        return read
    }

    /// Reads one point with a request of its own.
    @available(*, noasync)
    private mutating func readAlone(_ point: Point, deviceUnit: Int, client: ModbusClient) throws(ModbusError) {
        requests += 1
        do {
            words[point.name] = try client.read(
                point.table, unit: UInt8(clamping: point.unit(device: deviceUnit)), address: point.address,
                count: point.count)
        } catch {
            if case .connectionRefused = error.kind { throw error }
            failures[point.name] = error
        }
    }
}
