import Vocabulary

/// A point in time as the control core sees it: a duration since an arbitrary epoch chosen by
/// the caller (a monotonic clock in the gateway, plain numbers in tests).
///
/// The core never reads a clock itself; every operation that depends on time takes an
/// instant, so tests step time explicitly and never sleep.
public struct ControlInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The time elapsed since the caller's epoch.
    public var sinceEpoch: Duration

    /// An instant `sinceEpoch` after the caller's epoch.
    public init(sinceEpoch: Duration) {
        self.sinceEpoch = sinceEpoch
    }

    /// The caller's epoch itself.
    public static let epoch = ControlInstant(sinceEpoch: .zero)

    /// An instant no command reaches: the deadline of one that only an event ends.
    public static let distantFuture = ControlInstant(sinceEpoch: .seconds(Int64(1) << 40))

    /// An instant the given number of milliseconds after the epoch.
    public static func milliseconds(_ milliseconds: Int64) -> ControlInstant {
        ControlInstant(sinceEpoch: .milliseconds(milliseconds))
    }

    /// An instant the given number of seconds after the epoch.
    public static func seconds(_ seconds: Int64) -> ControlInstant {
        ControlInstant(sinceEpoch: .seconds(seconds))
    }

    /// This instant moved by `duration` (which may be negative).
    package func advanced(by duration: Duration) -> ControlInstant {
        ControlInstant(sinceEpoch: sinceEpoch + duration)
    }

    /// The duration from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: ControlInstant) -> Duration {
        other.sinceEpoch - sinceEpoch
    }

    public static func < (lhs: ControlInstant, rhs: ControlInstant) -> Bool {
        lhs.sinceEpoch < rhs.sinceEpoch
    }

    public static func + (lhs: ControlInstant, rhs: Duration) -> ControlInstant {
        lhs.advanced(by: rhs)
    }

    public static func - (lhs: ControlInstant, rhs: Duration) -> ControlInstant {
        lhs.advanced(by: .zero - rhs)
    }

    public var description: String { "t+\(sinceEpoch)" }
}
