extension ProfileTable {
    /// The groups that hold a field a master may write, in table order, each with the registers
    /// of all its fields: what an upstream's `writable:` can name, and what naming one opens.
    public var writableGroups: [(name: String, registers: [Range<Int>])] {
        var order: [String] = []
        var registers: [String: [Range<Int>]] = [:]
        for field in fields {
            if registers[field.group] == nil { order.append(field.group) }
            var ranges = registers[field.group, default: []]
            // Fields come by address: a field that starts where the last range ends extends it.
            if let last = ranges.last, last.upperBound == field.address {
                ranges[ranges.count - 1] = last.lowerBound..<field.addresses.upperBound
            } else {
                ranges.append(field.addresses)
            }
            registers[field.group] = ranges
        }
        let writable = Set(fields.filter(\.access.isWritable).map(\.group))
        return order.filter { writable.contains($0) }.map { ($0, registers[$0] ?? []) }
    }
}
