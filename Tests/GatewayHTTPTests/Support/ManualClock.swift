import Control
import Foundation
import Gateway
import GatewayHTTP
import Synchronization

/// Both clocks of a test, moved by hand: the wall clock the JSON speaks and the control
/// core's clock, always the same distance apart.
final class ManualClock: Sendable {
    /// 2026-05-01T12:00:00Z: the wall-clock time at the start of every test.
    static let start = Date(timeIntervalSince1970: 1_777_636_800)
    private let elapsed = Mutex<Duration>(.zero)

    var wall: Date { ManualClock.start.addingTimeInterval(elapsed.withLock { $0 }.inSeconds) }
    /// The control clock starts at 1000 s so that no instant is the epoch by accident.
    var control: ControlInstant { ControlInstant.seconds(1000) + elapsed.withLock { $0 } }
    var base: TimeBase { TimeBase(wall: wall, control: control) }

    func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }

    /// The wall-clock date `seconds` after the start.
    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }
    /// The control instant `seconds` after the start.
    static func instant(_ seconds: Double) -> ControlInstant { .seconds(1000) + .seconds(seconds) }
}

extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
