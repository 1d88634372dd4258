import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing

/// Runs the built `busbar` executable to completion.
func busbar(_ arguments: [String]) throws -> CommandResult {
    try runCommand(Paths.busbar, arguments, timeout: .seconds(30))
}

func busbar(_ arguments: String...) throws -> CommandResult {
    try busbar(arguments)
}

/// A new empty folder under the temporary directory; remove it with `defer`.
func temporaryFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The stderr lines a log handler wrote at error level or above.
func errorLogLines(_ errorOutput: String) -> [Substring] {
    errorOutput.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
}

/// A shipped device map's path.
func shippedMap(_ name: String) -> String {
    Paths.root.appendingPathComponent("sites/devices/\(name)").path
}

/// A device laid out from a shipped map, served by our own Modbus/TCP server on the map's
/// unit: every point's registers exist (unless omitted) and hold the given values, each
/// encoded with the point's own codec (scale and offset inverted, word order applied).
final class ServedMap {
    let map: DeviceMap
    let bank: RegisterBank
    let server: ModbusTCPServer

    var port: Int { server.port }
    var endpoint: String { "127.0.0.1:\(server.port)" }

    /// - Parameters:
    ///   - values: engineering values for the point's codec (without any scale-factor register).
    ///   - raw: words set as they are, for sentinels.
    ///   - omit: points whose registers the device does not have (reads answer exception 2).
    init(_ file: String, values: [String: Double], raw: [String: [UInt16]] = [:], omit: Set<String> = []) throws {
        map = try DeviceMapLoader.load(path: shippedMap(file)).get()
        // One range per run of adjacent points: the bank refuses reads across separate ranges,
        // as some devices refuse reads spanning registers they do not implement.
        var ranges: [RegisterTable: [Range<Int>]] = [:]
        for point in map.points.sorted(by: { $0.address < $1.address }) where !omit.contains(point.name) {
            if let last = ranges[point.table]?.last, last.upperBound == point.address {
                ranges[point.table]![ranges[point.table]!.count - 1] = last.lowerBound..<point.range.upperBound
            } else {
                ranges[point.table, default: []].append(point.range)
            }
        }
        bank = RegisterBank(ranges: ranges)
        for point in map.points where !omit.contains(point.name) {
            if let words = raw[point.name] {
                bank.set(point.table, address: point.address, to: words)
            } else if let value = values[point.name] {
                bank.set(point.table, address: point.address, to: try point.codec.encode(engineering: value))
            }
        }
        server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: UnitRouter(units: [UInt8(map.unit): bank]))
        try server.start()
    }

    deinit { server.stop() }

    /// The points as the pymodbus cross-check script wants them.
    func pointSpecs() throws -> String { try pymodbusPointSpecs(map.points) }
}

/// Parses one line of JSON output into a dictionary.
func jsonObject(_ line: some StringProtocol) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

/// Inspect's JSON points by name.
func pointsByName(_ object: [String: Any]) throws -> [String: [String: Any]] {
    let points = try #require(object["points"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: points.map { ($0["name"] as! String, $0) })
}
