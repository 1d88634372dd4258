import Modbus

/// Turns the words of one write into the fields it completes, applied whole or not at all:
/// every word must land on a writable field (else 0x02); words of a multi-word field that a
/// write does not complete wait for the rest when the profile keeps them, and refuse the
/// write otherwise; a complete value outside the field's range is refused with 0x03. The
/// pending words are a value: a refused write leaves them as they were.
struct WriteAssembler<Point: Hashable & Sendable>: Sendable, Hashable {
    /// Words written so far, by field index, for fields not yet complete.
    private(set) var pending: [Int: [UInt16?]] = [:]

    /// The fields `values` at `address` complete, and the pending words after them.
    func assemble(
        address: Int, values: [UInt16], single: Bool, table: ProfileTable<Point>, policy: ProfilePolicy
    ) throws(ProfileRefusal) -> (writes: [FieldWrite<Point>], after: Self) {
        let span = address..<address + values.count
        var covered: [Int] = []
        var cursor = address
        while cursor < span.upperBound {
            guard let index = table.fieldIndex(at: cursor), table.fields[index].access.isWritable else {
                throw ProfileRefusal(.illegalDataAddress)
            }
            let field = table.fields[index]
            if single, field.count > 1, let code = policy.singleWriteToWideField { throw ProfileRefusal(code) }
            covered.append(index)
            cursor = field.addresses.upperBound
        }
        var next = self
        var writes: [FieldWrite<Point>] = []
        for index in covered {
            let field = table.fields[index]
            let whole = field.address >= span.lowerBound && field.addresses.upperBound <= span.upperBound
            if !whole, let code = policy.partialWrite { throw ProfileRefusal(code) }
            var buffer = next.pending[index] ?? [UInt16?](repeating: nil, count: field.count)
            for word in field.addresses where span.contains(word) {
                buffer[word - field.address] = values[word - address]
            }
            let words = buffer.compactMap { $0 }
            guard words.count == buffer.count else {
                next.pending[index] = buffer
                continue
            }
            next.pending[index] = nil
            guard let value = field.number(from: words), field.accepts(value) else {
                throw ProfileRefusal(.illegalDataValue)
            }
            writes.append(FieldWrite(field: field, value: value))
        }
        return (writes, next)
    }
}
