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
    /// The granularity of the current it takes, A: 1 for a register of whole amperes. Ordered
    /// currents are multiples of it, rounded down so that no limit is exceeded; 0 (or anything
    /// not positive) means any current.
    public var currentStep: Amperes
    /// The energy register's last reading, Wh (a counter that only rises, but for a reset);
    /// `nil` when the map has none or it is not read yet.
    public var energy: Reading?
    /// Whether a car is plugged in; `nil` when the map does not tell.
    public var plugged: Bool?

    /// The step of a current register that takes tenths of an ampere, and the finest the
    /// gateway writes.
    public static let defaultCurrentStep: Amperes = 0.1

    public init(
        maxCurrent: Amperes, phases: Phases, currentStep: Amperes = Self.defaultCurrentStep, energy: Reading? = nil,
        plugged: Bool? = nil
    ) {
        self.maxCurrent = maxCurrent
        self.phases = phases
        self.currentStep = currentStep
        self.energy = energy
        self.plugged = plugged
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

extension ChargepointTelemetry {
    /// Whether currents are quantised: a positive, finite step.
    private var hasStep: Bool { currentStep > 0 && currentStep.isFinite }

    /// `count` steps, as the nearest double to the decimal value when the step divides 1 A (so
    /// 75 steps of 0.1 A are 7.5, not 7.500000000000001).
    private func steps(_ count: Double) -> Amperes {
        let perAmpere = (1 / currentStep).rounded()
        return perAmpere >= 1 && abs(1 / currentStep - perAmpere) < 1e-9 ? count / perAmpere : count * currentStep
    }

    /// `current` rounded down to a multiple of the step; unchanged without a step.
    func roundedDown(_ current: Amperes) -> Amperes {
        guard hasStep, current.isFinite else { return current }
        return steps((current / currentStep + 1e-9).rounded(.down))
    }

    /// The least current it charges at: the 6 A minimum, rounded up to a multiple of the step.
    var minimumCurrent: Amperes {
        guard hasStep else { return ChargepointMode.minimumCurrent }
        return steps((ChargepointMode.minimumCurrent / currentStep - 1e-9).rounded(.up))
    }

    /// The next multiple of the step above `current` (a multiple itself); `nil` without a step.
    func stepUp(from current: Amperes) -> Amperes? {
        guard hasStep else { return nil }
        return steps((current / currentStep).rounded() + 1)
    }
}
