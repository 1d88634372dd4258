import Vocabulary

/// The state SURPLUS charging carries from one decision to the next, per chargepoint. The
/// caller passes back what the last step returned (`ControlCore` keeps it for you).
public struct SurplusHysteresis: Hashable, Sendable {
    /// Where a chargepoint stands.
    public enum Stage: Hashable, Sendable {
        /// Off, and the surplus does not cover the minimum current.
        case idle
        /// Off, and the surplus has covered the minimum current since then.
        case starting(since: ControlInstant)
        /// Charging with the surplus.
        case charging
        /// Charging at the minimum current while the surplus has been short since then.
        case stopping(since: ControlInstant)

        /// Whether the chargepoint draws current in this stage.
        package var isCharging: Bool {
            switch self {
            case .idle, .starting: false
            case .charging, .stopping: true
            }
        }
    }

    /// The stage of each chargepoint in SURPLUS; absent ones are idle.
    public var stages: [DeviceID: Stage]

    public init(stages: [DeviceID: Stage] = [:]) {
        self.stages = stages
    }

    /// The stage of chargepoint `id`.
    package func stage(of id: DeviceID) -> Stage {
        stages[id] ?? .idle
    }

    /// The next stage, given whether the surplus covers the minimum current at `now`.
    static func next(
        after stage: Stage, covered: Bool, at now: ControlInstant, settings: SurplusSettings
    ) -> Stage {
        switch (stage, covered) {
        case (.idle, false), (.starting, false):
            return .idle
        case (.idle, true):
            return settings.startDelay <= .zero ? .charging : .starting(since: now)
        case (.starting(let since), true):
            return since.duration(to: now) >= settings.startDelay ? .charging : stage
        case (.charging, true), (.stopping, true):
            return .charging
        case (.charging, false):
            return settings.stopDelay <= .zero ? .idle : .stopping(since: now)
        case (.stopping(let since), false):
            return since.duration(to: now) >= settings.stopDelay ? .idle : stage
        }
    }
}
