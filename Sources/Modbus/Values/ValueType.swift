/// How one value is laid out in 16-bit holding or input registers.
///
/// The names follow evcc's `encoding` and Home Assistant's `data_type`, so device maps read
/// the way their users already write them (evcc `encoding:`, Home Assistant `data_type:`).
public enum ValueType: Sendable, Hashable {
    case int16, uint16, int32, uint32, int64, uint64, float32, float64
    /// Text, two characters per register, high byte first.
    case string(registers: Int)
    /// A flag kept in one whole register: zero is false, anything else is true.
    case bool

    /// Every type whose size does not depend on a register count, in the order of their names.
    package static let fixedSizeTypes: [ValueType] = [
        .int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64, .bool,
    ]

    /// How many consecutive registers one value occupies.
    public var registerCount: Int {
        switch self {
        case .int16, .uint16, .bool: 1
        case .int32, .uint32, .float32: 2
        case .int64, .uint64, .float64: 4
        case .string(let registers): registers
        }
    }

    /// The canonical name, as written in a device map (`string` without its size).
    public var name: String {
        switch self {
        case .int16: "int16"
        case .uint16: "uint16"
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .string: "string"
        case .bool: "bool"
        }
    }

    /// Reads a type name as evcc or Home Assistant users write it, with the word order the
    /// name itself implies.
    ///
    /// Accepts the canonical names, `ieee754` (evcc's `float32`) and `bool16` (evcc's `bool`),
    /// in any letter case. evcc's `s` suffix (`int32s`, `uint32s`, `float32s`, `int64s`,
    /// `uint64s`, `float64s`) means "low word first" and comes back as `order: .cdab`; every
    /// other name gives `order: nil`, so the map's own `swap` applies.
    ///
    /// - Parameter registers: the size of a `string` (required, at least 1). For a fixed-size
    ///   type it may be given, but must then match the type's own size.
    /// - Returns: nil for an unknown name, a `string` without a positive size, or a size that
    ///   contradicts the type.
    public static func parse(_ name: String, registers: Int? = nil) -> (type: ValueType, order: WordOrder?)? {
        var lowered = name.lowercased()
        var order: WordOrder?
        if lowered.hasSuffix("32s") || lowered.hasSuffix("64s") {
            lowered.removeLast()
            order = .cdab
        }
        let type: ValueType
        switch lowered {
        case "int16": type = .int16
        case "uint16": type = .uint16
        case "int32": type = .int32
        case "uint32": type = .uint32
        case "int64": type = .int64
        case "uint64": type = .uint64
        case "float32", "ieee754": type = .float32
        case "float64": type = .float64
        case "bool", "bool16": type = .bool
        case "string":
            guard let registers, registers > 0 else { return nil }
            type = .string(registers: registers)
        default:
            return nil
        }
        if order != nil, type.registerCount < 2 { return nil }
        if let registers, registers != type.registerCount { return nil }
        return (type, order)
    }

    /// The type a name stands for, when the name implies no word order.
    ///
    /// evcc's low-word-first names (`int32s`, `uint64s`, …) return nil here rather than lose
    /// their order silently: read them with ``parse(_:registers:)``.
    public static func named(_ name: String, registers: Int? = nil) -> ValueType? {
        guard let parsed = parse(name, registers: registers), parsed.order == nil else { return nil }
        return parsed.type
    }
}
