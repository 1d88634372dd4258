/// One parameter a mode takes, as register maps, JSON APIs and device-map recipes name it.
public struct ModeParameter: Hashable, Sendable {
    /// A parameter's stable name: the JSON key, the recipe variable and the documented name.
    public enum Name: String, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
        /// A power in W: signed for SET_POWER (positive = discharge), a magnitude otherwise.
        case power
        /// The most charging power, W (≥ 0).
        case maxChargePower
        /// The most discharging power, W (≥ 0).
        case maxDischargePower
        /// A current in A per phase.
        case current
        /// The grid power to hold, W: + import, − export.
        case gridPower
        /// The most import from the grid, W (≥ 0).
        case maxImport
        /// The most export to the grid, W (≥ 0).
        case maxExport
        /// A state of charge to reach, % (CHARGE_TO_SOC).
        case targetSoc
        /// The energy to deliver, kWh (CHARGE_ENERGY).
        case targetEnergy
        /// 1: reach the target as soon as possible instead of as late and as evenly as the
        /// command's end allows; 0 (the default): plan toward the end.
        case asap

        public static func < (lhs: Name, rhs: Name) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        public var description: String { rawValue }
    }

    /// The unit of a mode parameter.
    public enum Unit: String, Hashable, Sendable {
        /// Watts.
        case watt = "W"
        /// Amperes per phase.
        case ampere = "A"
        /// Percent (a state of charge).
        case percent = "%"
        /// Kilowatt-hours (an energy to deliver).
        case kilowattHour = "kWh"
        /// A flag: 0 (off) or 1 (on); JSON also takes `false` and `true`.
        case flag = ""
    }

    /// The parameter's name.
    public var name: Name
    /// The parameter's unit.
    public var unit: Unit
    /// The values a command may carry.
    public var range: ClosedRange<Double>
    /// The value a command that leaves the parameter out gets; `nil`: it is required.
    public var defaultValue: Double?

    public init(name: Name, unit: Unit, range: ClosedRange<Double>, defaultValue: Double? = nil) {
        self.name = name
        self.unit = unit
        self.range = range
        self.defaultValue = defaultValue
    }

    /// The largest power a mode parameter may name: 1 GW, beyond any behind-the-meter site and
    /// inside a signed 32-bit register in watts.
    public static let powerLimit: Watts = 1_000_000_000

    /// The largest current a mode parameter may name: 10 kA, enough for the sum over a large
    /// car park and inside a 16-bit register.
    public static let currentLimit: Amperes = 10_000

    /// The largest energy a mode parameter may name: 1 MWh, beyond what a car park takes in a day
    /// (a large car holds about 100 kWh) and inside the 16-bit parameter register in kWh.
    public static let energyLimit: Double = 1000

    /// A power parameter: 0…1 GW, or ±1 GW when `signed`; optional when it has a `default`.
    public static func power(_ name: Name, signed: Bool = false, default value: Double? = nil) -> ModeParameter {
        ModeParameter(name: name, unit: .watt, range: (signed ? -powerLimit : 0)...powerLimit, defaultValue: value)
    }

    /// A current parameter: 0…10 kA.
    public static func current(_ name: Name) -> ModeParameter {
        ModeParameter(name: name, unit: .ampere, range: 0...currentLimit)
    }

    /// An energy parameter: 0…1000 kWh.
    public static func energy(_ name: Name) -> ModeParameter {
        ModeParameter(name: name, unit: .kilowattHour, range: 0...energyLimit)
    }

    /// A state-of-charge parameter: 0…100 %.
    public static func percent(_ name: Name) -> ModeParameter {
        ModeParameter(name: name, unit: .percent, range: 0...100)
    }

    /// A flag parameter: 0 or 1, off unless given.
    public static func flag(_ name: Name) -> ModeParameter {
        ModeParameter(name: name, unit: .flag, range: 0...1, defaultValue: 0)
    }

    /// A parameter value as logs and status lines show it: at most one decimal, none when whole
    /// ("-5000", "2272.7").
    public static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
