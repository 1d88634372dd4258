public import Control
public import Foundation
import Vocabulary

/// One instant on both clocks: the wall clock the JSON documents speak (ISO 8601 `until`,
/// schedule slots) and the control core's monotonic clock that commands carry. Converting
/// through a pair taken together keeps a wall-clock step from moving a running command.
public struct TimeBase: Sendable, Hashable {
    /// Now, on the wall clock.
    package var wall: Date
    /// Now, on the control core's clock.
    public var control: ControlInstant

    public init(wall: Date, control: ControlInstant) {
        self.wall = wall
        self.control = control
    }

    /// The control instant of a wall-clock date.
    public func instant(at date: Date) -> ControlInstant {
        control + .seconds(date.timeIntervalSince(wall))
    }

    /// The wall-clock date of a control instant.
    public func date(at instant: ControlInstant) -> Date {
        wall.addingTimeInterval(control.duration(to: instant).seconds)
    }
}
