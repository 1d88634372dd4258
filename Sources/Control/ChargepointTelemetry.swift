public import Vocabulary

/// What a chargepoint reports (and its ratings).
public struct ChargepointTelemetry: Hashable, Sendable {
    /// The number of phases the chargepoint charges on.
    public enum Phases: Int, Hashable, Sendable, CaseIterable {
        /// Single-phase.
        case one = 1
        /// Two phases (some cars charge so on a three-phase chargepoint).
        case two = 2
        /// Three-phase.
        case three = 3
    }

    /// The highest current the chargepoint (and its cable) allows, A per phase.
    public var maxCurrent: Amperes
    /// The phases it charges on.
    public var phases: Phases

    public init(maxCurrent: Amperes, phases: Phases) {
        self.maxCurrent = maxCurrent
        self.phases = phases
    }

    /// The power of `current` amperes at `voltage` over the phases: A × V × phases.
    public func power(ofCurrent current: Amperes, voltage: Double) -> Watts {
        current * voltage * Double(phases.rawValue)
    }

    /// The current that draws `power` watts at `voltage` over the phases.
    public func current(ofPower power: Watts, voltage: Double) -> Amperes {
        power / (voltage * Double(phases.rawValue))
    }
}
