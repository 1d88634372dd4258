public import Modbus

/// One named value of a device map: where it is, how it is encoded and how it converts to
/// engineering units.
///
/// Engineering value = raw × ``scale`` × 10^SF + ``offset``, where SF is the value of the
/// ``scaleRegister`` point (SunSpec `_SF`) or 0; writes invert it.
public struct Point: Sendable, Hashable {
    public var name: String
    public var table: RegisterTable
    /// 0-based PDU address.
    public var address: Int
    public var valueType: ValueType
    public var order: WordOrder
    public var scale: Double
    public var offset: Double
    /// The engineering unit (`W`, `A`, `%`, `Wh`, …), for display and role checks.
    public var unit: String?
    public var access: PointAccess
    /// Raw values that mean "not available" (SunSpec/SMA sentinels); empty when none apply.
    public var notAvailable: [RegisterValue]
    /// The name of the point holding this point's power-of-ten scale factor.
    public var scaleRegister: String?
    /// Names of raw values (enumerations such as a state register).
    public var values: [Int64: String]
    /// Whether the point may share registers with another (a bit view of a status word).
    package var overlay: Bool
    /// The unit id the point lives on when it is not the device's own (YAML `device_address`,
    /// Home Assistant's name for a unit id; `unit` is the engineering unit): a Victron GX keeps
    /// its ESS settings on unit 100 and the VE.Bus set-points on the VE.Bus unit (227 on a
    /// Cerbo). Nil: the device's unit.
    package var unitID: Int?

    public init(
        name: String, table: RegisterTable = .holding, address: Int, valueType: ValueType,
        order: WordOrder = .abcd, scale: Double = 1, offset: Double = 0, unit: String? = nil,
        access: PointAccess = .read, notAvailable: [RegisterValue]? = nil, scaleRegister: String? = nil,
        values: [Int64: String] = [:], overlay: Bool = false, unitID: Int? = nil
    ) {
        self.name = name
        self.table = table
        self.address = address
        self.valueType = valueType
        self.order = order
        self.scale = scale
        self.offset = offset
        self.unit = unit
        self.access = access
        self.notAvailable = notAvailable ?? Self.defaultNotAvailable(for: valueType)
        self.scaleRegister = scaleRegister
        self.values = values
        self.overlay = overlay
        self.unitID = unitID
    }

    /// The unit id to address the point on, for a device answering on `deviceUnit`.
    public func unit(device deviceUnit: Int) -> Int { unitID ?? deviceUnit }

    /// Registers (or bits) the point occupies.
    public var count: Int { table.isBits ? 1 : valueType.registerCount }

    /// The addresses the point occupies.
    public var range: Range<Int> { address..<(address + count) }

    /// Reads and writes the point's registers, with ``scale`` and ``offset`` (without any
    /// scale-factor register, which only the value of another point can give).
    public var codec: RegisterCodec { RegisterCodec(valueType: valueType, order: order, scale: scale, offset: offset) }

    /// The codec once the scale-factor register has been read as `sf`.
    public func codec(scaleFactor sf: Int) -> RegisterCodec {
        var codec = codec
        codec.scale = scale * pow10(sf)
        return codec
    }

    /// Whether a raw value is one of the "not available" sentinels. Any NaN matches a NaN
    /// sentinel.
    public func isNotAvailable(_ raw: RegisterValue) -> Bool {
        notAvailable.contains { sentinel in
            if case .float(let expected) = sentinel, expected.isNaN, case .float(let value) = raw { return value.isNaN }
            return sentinel == raw
        }
    }

    /// SunSpec's and SMA's "not implemented" value of the type (``ValueType/notImplemented``),
    /// if it has one.
    public static func defaultNotAvailable(for type: ValueType) -> [RegisterValue] {
        type.notImplemented.map { [$0] } ?? []
    }
}

private func pow10(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent.magnitude { result *= 10 }
    return exponent < 0 ? 1 / result : result
}
