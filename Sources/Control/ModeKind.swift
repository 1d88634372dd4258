/// A control mode without its parameter: what a device can carry out and what a target
/// offers as available.
public enum ModeKind: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// An ESS mode.
    case ess(EssModeKind)
    /// A chargepoint mode.
    case chargepoint(ChargepointModeKind)

    /// The kind of device the mode is for.
    public var deviceKind: DeviceKind {
        switch self {
        case .ess: .battery
        case .chargepoint: .chargepoint
        }
    }

    /// The stable numeric code, unique within the device kind.
    public var code: UInt16 {
        switch self {
        case .ess(let kind): kind.code
        case .chargepoint(let kind): kind.code
        }
    }

    /// The stable name, e.g. `"LIMIT_CHARGE"`.
    public var name: String {
        switch self {
        case .ess(let kind): kind.name
        case .chargepoint(let kind): kind.name
        }
    }

    /// The parameter the mode takes, if any.
    public var parameter: ModeParameter? {
        switch self {
        case .ess(let kind): kind.parameter
        case .chargepoint(let kind): kind.parameter
        }
    }

    /// Every ESS mode kind.
    public static let allEss: [ModeKind] = EssModeKind.allCases.map(ModeKind.ess)
    /// Every chargepoint mode kind.
    public static let allChargepoint: [ModeKind] = ChargepointModeKind.allCases.map(ModeKind.chargepoint)

    /// ESS kinds before chargepoint kinds, each by code.
    public static func < (lhs: ModeKind, rhs: ModeKind) -> Bool {
        (lhs.deviceKind == .battery ? 0 : 1, lhs.code) < (rhs.deviceKind == .battery ? 0 : 1, rhs.code)
    }

    public var description: String { name }
}

extension Collection<ModeKind> {
    /// The modes as a bitmask, bit `code` set for each mode (the `availableModes` register).
    public var bitmask: UInt32 {
        reduce(0) { $0 | (1 << UInt32($1.code)) }
    }
}
