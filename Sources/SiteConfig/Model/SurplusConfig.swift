/// How SURPLUS charging reacts to the grid meter (`surplus:` in the site file): charging starts
/// after the surplus has covered the 6 A minimum for `startDelay` and stops after it has been
/// short for `stopDelay`, so a passing cloud does not switch the car on and off.
public struct SurplusConfig: Sendable, Hashable {
    public var startDelay: Duration
    public var stopDelay: Duration

    public init(startDelay: Duration = .seconds(60), stopDelay: Duration = .seconds(180)) {
        self.startDelay = startDelay
        self.stopDelay = stopDelay
    }
}
