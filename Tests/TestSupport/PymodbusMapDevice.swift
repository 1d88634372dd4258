import Foundation
public import Modbus
public import SiteConfig

/// Devices laid out from device maps and served by pymodbus (Tests/Interop/map_device_server.py):
/// the independent peer that the gateway polls and writes. pymodbus encodes the telemetry and
/// keeps the datastore, so a test compares what landed there with words it derives from the
/// vendor's documented encoding, not with busbar's codec.
public final class PymodbusMapDevice {
    /// Where the peer answers.
    public enum Line {
        case tcp(port: Int)
        /// An RTU server on a serial device (19200 baud, 8N1).
        case rtu(device: String)
    }

    /// A raw register value as the vendor documents it: before busbar's scale and sign.
    public enum Raw: Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
        case number(Double)
        case text(String)

        public init(integerLiteral value: Int) { self = .number(Double(value)) }
        public init(floatLiteral value: Double) { self = .number(value) }
        public init(stringLiteral value: String) { self = .text(value) }

        var json: Any {
            switch self {
            case .number(let value): value
            case .text(let text): text
            }
        }
    }

    /// One device behind the peer: a map on a unit id (its points on other units, such as a
    /// Victron's VE.Bus set-points, get those units' datastores), with raw values by point name.
    public struct Device {
        public var map: DeviceMap
        public var unit: Int
        public var values: [String: Raw]

        public init(map: DeviceMap, unit: Int? = nil, values: [String: Raw] = [:]) {
            self.map = map
            self.unit = unit ?? map.unit
            self.values = values
        }
    }

    /// One write request pymodbus received.
    public struct Write: Equatable, CustomStringConvertible {
        public var unit: Int
        public var functionCode: Int
        public var address: Int
        public var values: [UInt16]

        public var description: String { "unit \(unit) FC\(functionCode) \(address): \(values)" }
    }

    /// A write request the device refused with an exception (see `refuseWrites`).
    public struct Refusal: Equatable, CustomStringConvertible {
        public var write: Write
        public var exception: ExceptionCode

        public var description: String { "\(write) refused with \(exception)" }
    }

    /// What pymodbus holds and received, at one moment.
    public struct State {
        /// Words by unit id, table and address (a coil's word is 0 or 1).
        public var registers: [Int: [RegisterTable: [Int: UInt16]]]
        /// Every write request carried out, in arrival order.
        public var writes: [Write]
        /// Every write request refused, in arrival order.
        public var refused: [Refusal]
        /// How many read requests were served, by unit, function code and start address.
        public var reads: [ReadRequest: Int]

        /// `count` words from `address`, or nil when any of them is not laid out.
        public func words(unit: Int, table: RegisterTable = .holding, address: Int, count: Int) -> [UInt16]? {
            guard let held = registers[unit]?[table] else { return nil }
            let words = (address..<address + count).compactMap { held[$0] }
            return words.count == count ? words : nil
        }
    }

    /// A read request's unit, function code and start address.
    public struct ReadRequest: Hashable {
        public var unit: Int
        public var functionCode: Int
        public var address: Int

        public init(unit: Int, functionCode: Int, address: Int) {
            self.unit = unit
            self.functionCode = functionCode
            self.address = address
        }
    }

    public let devices: [Device]
    public let line: Line
    private let peer: Peer
    private let folder: URL
    private var dumps = 0

    public init(_ devices: [Device], on line: Line) throws {
        self.devices = devices
        self.line = line
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let layout = folder.appendingPathComponent("layout.json")
        try JSONSerialization.data(withJSONObject: ["units": try Self.layout(devices)]).write(to: layout)
        let arguments: [String] =
            switch line {
            case .tcp(let port): ["tcp", "\(port)"]
            case .rtu(let device): ["rtu", device]
            }
        peer = try Peer(Paths.python, [Paths.script("map_device_server.py"), layout.path] + arguments, input: true)
        guard peer.waitForOutput("READY") else {
            peer.stop()
            throw PeerDidNotStart(output: peer.errorOutput)
        }
    }

    /// A peer serving one device.
    public convenience init(_ device: Device, on line: Line) throws {
        try self.init([device], on: line)
    }

    deinit {
        peer.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Ends the server: the device is gone.
    public func stop() { peer.stop() }

    public var isRunning: Bool { peer.isRunning }
    public var errorOutput: String { peer.errorOutput }

    /// From now on the device answers every write to `address` of `table` with `exception`
    /// (illegal data address or server device failure) and journals it as refused.
    public func refuseWrites(_ table: RegisterTable, address: Int, with exception: ExceptionCode) throws {
        try command("refuse \(table.rawValue) \(address) \(exception.rawValue)", answer: "REFUSING")
    }

    /// Writes to `address` of `table` are carried out again.
    public func acceptWrites(_ table: RegisterTable, address: Int) throws {
        try command("accept \(table.rawValue) \(address)", answer: "ACCEPTING")
    }

    private func command(_ line: String, answer: String) throws {
        let before = peer.output.components(separatedBy: answer).count
        peer.send(line)
        guard eventually(timeout: .seconds(10), { peer.output.components(separatedBy: answer).count > before }) else {
            throw FixtureFailure("map_device_server.py did not answer \(line): \(peer.errorOutput)")
        }
    }

    /// Asks pymodbus for its datastore and write journal.
    public func state() throws -> State {
        dumps += 1
        let file = folder.appendingPathComponent("state-\(dumps).json")
        peer.send("dump \(file.path)")
        guard peer.waitForOutput("DUMPED \(file.path)") else {
            throw FixtureFailure("map_device_server.py did not dump its state: \(peer.errorOutput)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any],
            let units = object["registers"] as? [String: [String: [String: Int]]],
            let writes = object["writes"] as? [[String: Any]],
            let refused = object["refused"] as? [[String: Any]],
            let reads = object["reads"] as? [[String: Int]]
        else { throw FixtureFailure("map_device_server.py dumped an unexpected state") }
        var registers: [Int: [RegisterTable: [Int: UInt16]]] = [:]
        for (unit, tables) in units {
            for (table, words) in tables {
                guard let unit = Int(unit), let table = RegisterTable(rawValue: table) else { continue }
                for (address, word) in words {
                    guard let address = Int(address) else { continue }
                    registers[unit, default: [:]][table, default: [:]][address] = UInt16(word)
                }
            }
        }
        func write(_ entry: [String: Any]) -> Write {
            Write(
                unit: entry["unit"] as? Int ?? -1, functionCode: entry["fc"] as? Int ?? -1,
                address: entry["address"] as? Int ?? -1,
                values: (entry["values"] as? [Int] ?? []).map { UInt16(truncatingIfNeeded: $0) })
        }
        var served: [ReadRequest: Int] = [:]
        for read in reads {
            let request = ReadRequest(
                unit: read["unit"] ?? -1, functionCode: read["fc"] ?? -1, address: read["address"] ?? -1)
            served[request] = read["times"] ?? 0
        }
        return State(
            registers: registers, writes: writes.map(write),
            refused: refused.map {
                Refusal(write: write($0), exception: ExceptionCode(rawValue: UInt8($0["code"] as? Int ?? 0)))
            },
            reads: served)
    }

    /// The words a point of the device on `unit` holds now (the first device when `unit` is nil).
    public func words(_ point: String, device unit: Int? = nil) throws -> [UInt16]? {
        guard let device = devices.first(where: { unit == nil || $0.unit == unit }),
            let point = device.map.point(named: point)
        else { throw FixtureFailure("no point \(point) on unit \(unit.map(String.init) ?? "any")") }
        return try state().words(
            unit: point.unit(device: device.unit), table: point.table, address: point.address, count: point.count)
    }

    /// The script's layout: for each unit id, the points it holds with their raw values.
    private static func layout(_ devices: [Device]) throws -> [String: [[String: Any]]] {
        var units: [String: [[String: Any]]] = [:]
        for device in devices {
            for point in device.map.points {
                // pymodbus orders words, not bytes inside them.
                guard point.order == .abcd || point.order == .cdab else {
                    throw FixtureFailure("\(point.name): pymodbus cannot lay out word order \(point.order.rawValue)")
                }
                var entry: [String: Any] = [
                    "name": point.name, "table": point.table.rawValue, "address": point.address, "count": point.count,
                    "type": point.valueType.name, "word_order": point.order == .cdab ? "little" : "big",
                ]
                if let value = device.values[point.name] { entry["value"] = value.json }
                units["\(point.unit(device: device.unit))", default: []].append(entry)
            }
        }
        return units
    }
}
