/// The one parameter a mode takes, as register maps and JSON APIs document it.
public struct ModeParameter: Hashable, Sendable {
    /// The unit of a mode parameter.
    public enum Unit: String, Hashable, Sendable {
        /// Watts.
        case watt = "W"
        /// Amperes per phase.
        case ampere = "A"
    }

    /// The parameter's name, e.g. `maxChargePower`, `power`, `current`.
    public var name: String
    /// The parameter's unit.
    public var unit: Unit
    /// The values a command may carry.
    public var range: ClosedRange<Double>

    public init(name: String, unit: Unit, range: ClosedRange<Double>) {
        self.name = name
        self.unit = unit
        self.range = range
    }

    /// The largest power a mode parameter may name: 1 GW, beyond any behind-the-meter site and
    /// inside a signed 32-bit register in watts.
    public static let powerLimit: Watts = 1_000_000_000

    /// The largest current a mode parameter may name: 10 kA, enough for the sum over a large
    /// car park and inside a 16-bit register.
    public static let currentLimit: Amperes = 10_000

    static func power(_ name: String, signed: Bool = false) -> ModeParameter {
        ModeParameter(name: name, unit: .watt, range: (signed ? -powerLimit : 0)...powerLimit)
    }

    static func current(_ name: String) -> ModeParameter {
        ModeParameter(name: name, unit: .ampere, range: 0...currentLimit)
    }

    /// Checks `value` against the range, naming `mode` in the rejection.
    func validate(_ value: Double, of mode: String) throws(CommandRejection) {
        guard range.contains(value) else {
            throw .parameterOutOfRange(mode: mode, parameter: name, value: value, range: range)
        }
    }
}

extension ModeParameter {
    /// A parameter value as logs and status lines show it: at most one decimal, none when whole
    /// ("-5000", "2272.7").
    public static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
