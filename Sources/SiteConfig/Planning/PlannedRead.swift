public import Modbus

/// One read request of a poll cycle: a function code over a range, and the points it serves.
public struct PlannedRead: Sendable, Hashable, CustomStringConvertible {
    public var table: RegisterTable
    public var address: Int
    public var count: Int
    /// Names of the points inside the range, by address.
    public var points: [String]
    /// The unit id of the points when they are not on the device's own (``Point/unitID``).
    public var unit: Int?

    public init(table: RegisterTable, address: Int, count: Int, points: [String], unit: Int? = nil) {
        self.table = table
        self.address = address
        self.count = count
        self.points = points
        self.unit = unit
    }

    /// The unit id to send the read to, for a device answering on `deviceUnit`.
    public func unit(device deviceUnit: Int) -> Int { unit ?? deviceUnit }

    public var functionCode: FunctionCode { table.readFunction }
    public var range: Range<Int> { address..<(address + count) }

    /// `FC3 300+80: active_power, energy`; `FC3 37+5 unit 227: …` on another unit.
    public var description: String {
        let place = unit.map { " unit \($0)" } ?? ""
        return "FC\(functionCode.rawValue) \(address)+\(count)\(place): \(points.joined(separator: ", "))"
    }
}
