import Modbus
import Vocabulary
import Yams

extension DeviceMapDecoder {
    static let pointKeys = [
        "address", "type", "encoding", "count", "swap", "scale", "offset", "unit", "access", "nan",
        "scale_register", "values", "overlay", "device_address",
    ]

    static let encodingNames = [
        "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "string", "bool",
        "int32s", "uint32s", "int64s", "uint64s", "float32s", "float64s", "ieee754", "bool16",
    ]

    func decodePoints(_ map: MappingReader) {
        guard
            let reader = map.mapping(
                "points", context: "points", required: true, expected: "a mapping of point names to registers")
        else {
            return
        }
        if reader.pairs.isEmpty {
            sink.error(reader.location, "found no points, expected at least one point")
        }
        for (name, node) in reader.pairs {
            _ = checkName(name, what: "point")
            if constants[name.value] != nil {
                sink.error(
                    name.location, "found point \"\(name.value)\" with the name of a constant, expected distinct names")
            }
            if Self.isComputed(node) {
                computedNodes.append((name, node))
                continue
            }
            pointLocations[name.value] = name.location
            if let point = decodePoint(name.value, node) {
                points.append(point)
            }
        }
    }

    private func decodePoint(_ name: String, _ node: Node) -> Point? {
        let context = "point \"\(name)\""
        guard
            let reader = MappingReader(
                node, file: file, sink: sink, context: context, expected: "a mapping with address, type and encoding")
        else {
            return nil
        }
        reader.checkKeys(Self.pointKeys)
        let address = reader.integer(
            "address", in: 0...65535, required: true, expected: "the 0-based register address, 0 to 65535")
        let table = reader.choice("type", RegisterTable.self, what: "a register type")?.value ?? .holding
        let count = reader.integer(
            "count", in: 1...ModbusLimits.maxReadRegisters,
            expected: "a number of registers from 1 to \(ModbusLimits.maxReadRegisters)")
        let typed = decodeEncoding(reader, table: table, count: count)
        let order = decodeOrder(reader, typed: typed)
        let scale = reader.number("scale", expected: "a number such as 0.1 or -1")
        if let scale, scale.value == 0 {
            sink.error(scale.location, "scale: found 0, expected a number other than 0 (writes divide by it)")
        }
        let offset = reader.number("offset", expected: "a number")?.value ?? 0
        let unit = reader.string("unit", expected: "a unit such as W, A or %")?.value
        let access = reader.choice("access", PointAccess.self, what: "an access")
        if let access, access.value.isWritable, !table.isWritable {
            sink.error(
                access.location,
                "access: found \(access.value.rawValue) on \(table.withArticle) point, expected r (\(table)s are read-only)"
            )
        }
        let scaleRegister = reader.string("scale_register", expected: "the name of the point holding the scale factor")
        if let scaleRegister { scaleRegisters.append((name, scaleRegister)) }
        let values = decodeValues(reader)
        let overlay = reader.bool("overlay") ?? false
        let unitID = reader.integer(
            "device_address", in: 0...255, expected: "a unit id from 0 to 255 (the point's own, when not the device's)")?
            .value

        guard let address, let typed else { return nil }
        let size = table.isBits ? 1 : typed.registerCount
        if address.value + size > ModbusLimits.addressSpace {
            sink.error(
                address.location,
                "address: found \(address.value) with \(size) registers, expected the point to end by 65535 (address + count ≤ 65536)"
            )
        }
        let notAvailable = decodeNotAvailable(reader, type: typed)
        return Point(
            name: name, table: table, address: address.value, valueType: typed, order: order ?? .abcd,
            scale: scale?.value ?? 1, offset: offset, unit: unit, access: access?.value ?? .read,
            notAvailable: notAvailable, scaleRegister: scaleRegister?.value, values: values, overlay: overlay,
            unitID: unitID
        )
    }

    /// The value type, from `encoding` and `count`; word order implied by an `s` suffix is
    /// read again by ``decodeOrder``.
    private func decodeEncoding(_ reader: MappingReader, table: RegisterTable, count: Located<Int>?) -> ValueType? {
        guard let encoding = reader.string("encoding", expected: "an encoding such as uint16, int32 or float32") else {
            return table.isBits ? .bool : .int16
        }
        let name = encoding.value
        guard ValueType.parse(name, registers: name.lowercased() == "string" ? 1 : nil) != nil else {
            sink.error(
                encoding.location,
                "encoding: found \"\(name)\", expected an encoding\(Suggestion.hint(for: name, in: Self.encodingNames))"
            )
            return nil
        }
        if table.isBits {
            guard ValueType.parse(name)?.type == .bool else {
                sink.error(
                    encoding.location,
                    "encoding: found \(name) on \(table.withArticle), expected bool (\(table.withArticle) holds one bit)"
                )
                return nil
            }
            return .bool
        }
        if name.lowercased() == "string" {
            guard let count else {
                sink.error(
                    encoding.location,
                    "encoding: found string without \"count\", expected count: the registers the text occupies")
                return nil
            }
            return .string(registers: count.value)
        }
        guard let parsed = ValueType.parse(name) else { return nil }
        if let count, count.value != parsed.type.registerCount {
            let size = parsed.type.registerCount
            sink.error(
                count.location,
                "count: found \(count.value) for \(name), expected \(size) (\(name) takes \(size) register\(size == 1 ? "" : "s"))"
            )
            return nil
        }
        return parsed.type
    }

    private func decodeOrder(_ reader: MappingReader, typed: ValueType?) -> WordOrder? {
        let implied = reader.string("encoding", expected: "an encoding").flatMap { ValueType.parse($0.value)?.order }
        guard let swap = reader.string("swap", expected: "none, word, byte or word_byte") else { return implied }
        guard let order = WordOrder(swap: swap.value) else {
            sink.error(
                swap.location,
                "swap: found \"\(swap.value)\", expected a word order\(Suggestion.hint(for: swap.value, in: ["none", "word", "byte", "word_byte"]))"
            )
            return implied
        }
        if implied != nil, order != .abcd {
            sink.error(
                swap.location,
                "swap: found \(swap.value) with a low-word-first encoding (s suffix), expected one of the two, not both"
            )
            return implied
        }
        if let typed, typed.registerCount == 1 || typed.isString, order == .cdab || order == .dcba {
            sink.error(
                swap.location,
                "swap: found \(swap.value) on a \(typed.name) point, which has no words to swap; expected none or byte")
            return nil
        }
        return order
    }

    private func decodeValues(_ reader: MappingReader) -> [Int64: String] {
        guard let values = reader.mapping("values", context: "values", expected: "a mapping of raw numbers to names")
        else { return [:] }
        var result: [Int64: String] = [:]
        for (key, node) in values.pairs {
            guard let raw = YAMLNumber.integer(key.value) else {
                sink.error(key.location, "values: found key \"\(key.value)\", expected a raw number such as 802")
                continue
            }
            guard case .scalar(let scalar) = node else {
                sink.error(node.location(in: file), "values: found \(node.found), expected a name for \(raw)")
                continue
            }
            result[Int64(raw)] = scalar.string
        }
        return result
    }

    /// `nan:` as one raw bit pattern or a list of them, `false` or `[]` for none; absent: the
    /// SunSpec/SMA default of the type.
    private func decodeNotAvailable(_ reader: MappingReader, type: ValueType) -> [RegisterValue]? {
        guard let node = reader.node("nan") else { return nil }
        if case .scalar(let scalar) = node, scalar.string == "false" { return [] }
        let items: [Node] = if case .sequence(let sequence) = node { Array(sequence) } else { [node] }
        if !items.isEmpty, type == .bool || type.isString {
            sink.error(
                node.location(in: file),
                "nan: found a sentinel for a \(type.name) point, expected none (\(type.name) has no \"not available\" value)"
            )
            return nil
        }
        var sentinels: [RegisterValue] = []
        for item in items {
            guard case .scalar(let scalar) = item, let value = YAMLNumber.integer(scalar.string) else {
                sink.error(
                    item.location(in: file), "nan: found \(item.found), expected raw register bits such as 0xFFFF")
                continue
            }
            let width = type.registerCount * 16
            let bits = UInt64(truncatingIfNeeded: value)
            if width < 64, value >= 0, bits >> width != 0 {
                sink.error(
                    item.location(in: file),
                    "nan: found \(scalar.string), expected at most \(width) bits for \(type.name)")
                continue
            }
            let masked = width < 64 ? bits & ((1 << width) - 1) : bits
            let words = (0..<type.registerCount).map {
                UInt16(truncatingIfNeeded: masked >> (16 * (type.registerCount - 1 - $0)))
            }
            if let raw = try? RegisterCodec(valueType: type).decode(words) { sentinels.append(raw) }
        }
        return sentinels
    }

    // MARK: - Checks across points

    func checkPoints() {
        for (owner, reference) in scaleRegisters {
            guard let target = points.first(where: { $0.name == reference.value }) else {
                sink.error(
                    reference.location,
                    "scale_register: found unknown point \"\(reference.value)\"\(pointHint(reference.value))")
                continue
            }
            if target.valueType != .int16 || target.scaleRegister != nil {
                sink.error(
                    reference.location,
                    "scale_register: found point \"\(target.name)\" of \(target.valueType.name), expected an int16 point without a scale_register of its own (for \"\(owner)\")"
                )
            }
        }
        checkOverlaps()
        checkRoles()
    }

    private func checkOverlaps() {
        let sorted = points.sorted { ($0.table.rawValue, $0.address) < ($1.table.rawValue, $1.address) }
        for (index, point) in sorted.enumerated() {
            for other in sorted[(index + 1)...] where other.table == point.table {
                guard other.address < point.range.upperBound else { break }
                if point.overlay || other.overlay || point.unitID != other.unitID { continue }
                let pointLine = pointLocations[point.name]?.line ?? 0
                let otherLine = pointLocations[other.name]?.line ?? 0
                let (earlier, later) = pointLine <= otherLine ? (point, other) : (other, point)
                let laterLocation = pointLocations[later.name] ?? SourceLocation(file: file, line: 1, column: 1)
                let overlap = max(point.address, other.address)..<min(point.range.upperBound, other.range.upperBound)
                sink.error(
                    laterLocation,
                    "found point \"\(later.name)\" on \(later.table) \(Self.describe(overlap)), which point \"\(earlier.name)\" (line \(pointLocations[earlier.name]?.line ?? 0)) already occupies; expected distinct registers or overlay: true"
                )
            }
        }
    }

    static func describe(_ range: Range<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)…\(range.upperBound - 1)"
    }

    private func checkRoles() {
        guard let kind else { return }
        for point in points {
            guard let role = TelemetryRole(pointName: point.name, of: kind), let expected = role.unit,
                let unit = point.unit,
                unit != expected
            else { continue }
            sink.error(
                pointLocations[point.name] ?? SourceLocation(file: file, line: 1, column: 1),
                "found unit \(unit) on \(kind) point \"\(point.name)\", expected \(expected) (busbar works in \(expected); convert with scale)"
            )
        }
    }
}

extension ValueType {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}

extension RegisterTable {
    /// "a coil", "an input register".
    var withArticle: String { (self == .input ? "an " : "a ") + description }
}
