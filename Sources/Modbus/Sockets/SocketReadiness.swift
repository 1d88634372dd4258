import Glibc

/// Waits for one socket with `poll()`, which, unlike libmodbus's `select()`, takes any
/// descriptor number.
enum SocketReadiness {
    /// Whether `descriptor` became ready for `events` (`POLLIN`, `POLLOUT`; a closed or failed
    /// socket counts as ready) within `timeout`.
    static func wait(_ descriptor: Int32, for events: Int32, timeout: Duration) -> Bool {
        var watched = pollfd(fd: descriptor, events: Int16(events), revents: 0)
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        while true {
            let ready = poll(&watched, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            return ready > 0
        }
    }
}
