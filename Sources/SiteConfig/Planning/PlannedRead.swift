public import Modbus

/// One read request of a poll cycle: a function code over a range, and the points it serves.
public struct PlannedRead: Sendable, Hashable, CustomStringConvertible {
    public var table: RegisterTable
    public var address: Int
    public var count: Int
    /// Names of the points inside the range, by address.
    public var points: [String]

    public init(table: RegisterTable, address: Int, count: Int, points: [String]) {
        self.table = table
        self.address = address
        self.count = count
        self.points = points
    }

    public var functionCode: FunctionCode { table.readFunction }
    public var range: Range<Int> { address..<(address + count) }

    /// `FC3 300+80: active_power, energy`.
    public var description: String {
        "FC\(functionCode.rawValue) \(address)+\(count): \(points.joined(separator: ", "))"
    }
}
