public import Vocabulary

/// A control mode for either kind of device.
public enum Mode: Hashable, Sendable, CustomStringConvertible {
    /// A mode for batteries (the ESS cluster or one battery).
    case ess(EssMode)
    /// A mode for chargepoints (the chargepoint cluster or one chargepoint).
    case chargepoint(ChargepointMode)

    /// The mode of `kind` with `parameters`, as decoded from a register block or a JSON body.
    /// Throws when a required parameter is missing or outside the documented range.
    public init(kind: ModeKind, parameters: [ModeParameter.Name: Double]) throws(CommandRejection) {
        switch kind {
        case .ess(let kind): self = .ess(try EssMode(kind: kind, parameters: parameters))
        case .chargepoint(let kind): self = .chargepoint(try ChargepointMode(kind: kind, parameters: parameters))
        }
    }

    /// The mode of `kind` with its one parameter, if it takes one (a register block's single
    /// parameter register).
    public init(kind: ModeKind, parameter: Double?) throws(CommandRejection) {
        try self.init(kind: kind, parameters: kind.values(parameter))
    }

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

    /// The parameter values by name.
    public var parameterValues: [ModeParameter.Name: Double] {
        switch self {
        case .ess(let mode): mode.parameterValues
        case .chargepoint(let mode): mode.parameterValues
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
