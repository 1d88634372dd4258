/// A control mode for either kind of device.
public enum Mode: Hashable, Sendable, CustomStringConvertible {
    /// A mode for batteries (the ESS cluster or one battery).
    case ess(EssMode)
    /// A mode for chargepoints (the chargepoint cluster or one chargepoint).
    case chargepoint(ChargepointMode)

    /// The mode without its parameter.
    public var kind: ModeKind {
        switch self {
        case .ess(let mode): .ess(mode.kind)
        case .chargepoint(let mode): .chargepoint(mode.kind)
        }
    }

    /// The value of the mode's parameter (W or A), if it takes one.
    public var parameterValue: Double? {
        switch self {
        case .ess(let mode): mode.parameterValue
        case .chargepoint(let mode): mode.parameterValue
        }
    }

    /// Checks the parameter against its documented range.
    public func validate() throws(CommandRejection) {
        switch self {
        case .ess(let mode): try mode.validate()
        case .chargepoint(let mode): try mode.validate()
        }
    }

    public var description: String {
        switch self {
        case .ess(let mode): mode.description
        case .chargepoint(let mode): mode.description
        }
    }
}
