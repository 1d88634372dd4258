public import Modbus

/// A range of registers (or bits) of one table: a block a map declares for reading, or a
/// barrier (``count`` 1) that no read may span.
public struct ReadBlock: Sendable, Hashable {
    public var table: RegisterTable
    public var address: Int
    public var count: Int

    public init(table: RegisterTable, address: Int, count: Int) {
        self.table = table
        self.address = address
        self.count = count
    }

    public var range: Range<Int> { address..<(address + count) }
}
