import Glibc
public import Modbus
public import SiteConfig

/// A device served from a device map by an in-process `ModbusTCPServer`: every point of the map
/// exists at its address, as on the real product, and values are set in engineering units.
/// Tests use it where they need a device's registers, not its behaviour.
public final class MapServedDevice {
    public let map: DeviceMap
    public let bank: RegisterBank
    public private(set) var server: ModbusTCPServer
    private let handler: UnitRouter

    public init(map: DeviceMap, unit: UInt8? = nil) throws {
        self.map = map
        var ranges: [RegisterTable: [Range<Int>]] = [:]
        for point in map.points { ranges[point.table, default: []].append(point.range) }
        bank = RegisterBank(ranges: ranges)
        let expected = unit ?? UInt8(clamping: map.unit)
        handler = UnitRouter(units: [expected: bank])
        server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: handler)
        try server.start()
    }

    /// Stops answering: the device is gone from the network.
    public func kill() { server.stop() }

    /// Answers again on the same port, as after a power cycle: what masters wrote to its
    /// writable points is gone (0), so a master has to write it again; what it measures (the
    /// read-only points a test set) reads as before.
    public func revive() throws {
        for point in map.points where point.access.isWritable {
            bank.set(point.table, address: point.address, to: Array(repeating: 0, count: point.count))
        }
        server = ModbusTCPServer(host: "127.0.0.1", port: server.port, handler: handler)
        try server.start()
    }

    deinit { server.stop() }

    public var port: Int { server.port }
    public var endpoint: Endpoint { .tcp(host: "127.0.0.1", port: server.port) }

    /// Sets a point to an engineering value.
    public func set(_ name: String, _ value: Double) throws {
        let point = try point(name)
        bank.set(point.table, address: point.address, to: try point.codec.encode(engineering: value))
    }

    /// The engineering value a point holds (what the gateway wrote, for write-only points).
    public func value(_ name: String) throws -> Double {
        let point = try point(name)
        return try point.codec.engineeringValue(bank.get(point.table, address: point.address, count: point.count))
    }

    private func point(_ name: String) throws -> Point {
        guard let point = map.point(named: name) else { throw MissingPoint(name: name) }
        return point
    }

    struct MissingPoint: Error {
        var name: String
    }
}

/// Waits until `condition` holds, polling every 20 ms, for at most `timeout`. Returns whether it
/// held: tests assert on state, never on how long it took.
public func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? Task.checkCancellation()
        usleepMilliseconds(20)
    }
    return try condition()
}

private func usleepMilliseconds(_ milliseconds: UInt32) {
    var request = timespec(tv_sec: 0, tv_nsec: Int(milliseconds) * 1_000_000)
    nanosleep(&request, nil)
}

/// `eventually` for async tests: waits with `Task.sleep`, so the cooperative pool keeps running.
public func eventuallyAsync(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows
    -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
