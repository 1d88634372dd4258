/// An upstream profile's whole register table: its fields by address, with an index from
/// every address to the field that occupies it. Built once per site; a table that breaks its
/// own rules (two fields on one address, two fields of one name) is still built and says so
/// in ``validate()``, which `busbar check` reports: nothing traps on a site's names.
public struct ProfileTable<Point: Hashable & Sendable>: Sendable {
    /// Every field, by address (fields of one address in the order given).
    public let fields: [RegisterField<Point>]
    /// The first address past the table.
    public let end: Int
    /// Field index per address below `end`; -1 where no field is.
    private let owners: [Int32]
    private let overlaps: [(later: String, earlier: String, address: Int)]

    /// - Parameter end: the first address past the table when it keeps spare words after its
    ///   last field; by default the end of the last field.
    public init(_ fields: [RegisterField<Point>], end: Int? = nil) {
        let sorted = fields.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }
            .map(\.element)
        let last = sorted.map(\.addresses.upperBound).max() ?? 0
        let end = max(end ?? last, last)
        var owners = [Int32](repeating: -1, count: end)
        var overlaps: [(String, String, Int)] = []
        for (index, field) in sorted.enumerated() {
            for address in field.addresses {
                if owners[address] >= 0 {
                    overlaps.append((field.name, sorted[Int(owners[address])].name, address))
                    break
                }
                owners[address] = Int32(index)
            }
        }
        self.fields = sorted
        self.end = end
        self.owners = owners
        self.overlaps = overlaps
    }

    /// The first field's address: a profile that does not read past its end refuses reads
    /// below it too (a SunSpec device starts at 40000).
    public var start: Int { fields.first?.address ?? 0 }

    /// The index in ``fields`` of the field covering `address`.
    public func fieldIndex(at address: Int) -> Int? {
        guard address >= 0, address < end, owners[address] >= 0 else { return nil }
        return Int(owners[address])
    }

    /// The field covering `address`, if any.
    public func field(at address: Int) -> RegisterField<Point>? {
        fieldIndex(at: address).map { fields[$0] }
    }

    /// The field named `name`, if any.
    public func field(named name: String) -> RegisterField<Point>? {
        fields.first { $0.name == name }
    }

    /// The address ranges inside the table that no field occupies.
    public var reserved: [Range<Int>] {
        var gaps: [Range<Int>] = []
        var cursor = 0
        for field in fields {
            if field.address > cursor { gaps.append(cursor..<field.address) }
            cursor = max(cursor, field.addresses.upperBound)
        }
        if cursor < end { gaps.append(cursor..<end) }
        return gaps
    }

    /// The named groups in table order, each with its fields.
    public var groups: [(name: String, fields: [RegisterField<Point>])] {
        var groups: [(name: String, fields: [RegisterField<Point>])] = []
        for field in fields {
            if groups.last?.name == field.group {
                groups[groups.count - 1].fields.append(field)
            } else {
                groups.append((field.group, [field]))
            }
        }
        return groups
    }

    /// What is wrong with the table: fields that share an address or a name (reserved
    /// placeholders excepted). Empty for a table a profile can serve.
    public func validate() -> [TableProblem] {
        var problems = overlaps.map { overlap in
            TableProblem(
                field: overlap.later,
                message: "\(overlap.later) overlaps \(overlap.earlier) at address \(overlap.address)")
        }
        var seen: Set<String> = []
        for field in fields where field.access != .reserved {
            if !seen.insert(field.name).inserted {
                problems.append(TableProblem(field: field.name, message: "two fields are named \(field.name)"))
            }
        }
        return problems
    }
}

/// A rule of a register table that the table breaks.
public struct TableProblem: Sendable, Hashable, CustomStringConvertible {
    /// The field concerned.
    public var field: String
    public var message: String

    public var description: String { message }
}
