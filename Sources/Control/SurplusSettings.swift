public import Vocabulary

/// How SURPLUS charging turns chargepoints on and off.
///
/// Defaults follow evcc (enable delay 1 min, disable delay 3 min), which keeps a chargepoint
/// from flapping under passing clouds.
public struct SurplusSettings: Hashable, Sendable {
    /// The surplus must cover the minimum current this long before charging starts.
    public var startDelay: Duration
    /// The surplus must stay below the minimum current this long before charging stops; until
    /// then the chargepoint holds the minimum current.
    public var stopDelay: Duration
    /// The nominal phase voltage used to turn watts into amperes.
    public var phaseVoltage: Volts

    public init(
        startDelay: Duration = .seconds(60), stopDelay: Duration = .seconds(180),
        phaseVoltage: Volts = nominalPhaseVoltage
    ) {
        self.startDelay = startDelay
        self.stopDelay = stopDelay
        self.phaseVoltage = phaseVoltage
    }

    /// The phase voltage to turn watts into amperes with: `phaseVoltage`, or the nominal 230 V
    /// when that is not positive.
    public var voltage: Volts { phaseVoltage > 0 ? phaseVoltage : nominalPhaseVoltage }
}
