import Glibc
import Synchronization

/// Keeps every descriptor libmodbus sees below `FD_SETSIZE`.
///
/// libmodbus waits for its answers with `select()`, whose `fd_set` holds only the descriptors
/// below `FD_SETSIZE` (1024); glibc aborts the process when a larger one is put in it. A gateway
/// whose local API or upstream ports hold many connections hands out larger numbers, so a device
/// connection made then would crash it. Here a device connection's descriptor is moved below the
/// limit before libmodbus gets it: onto a spare set aside at start-up (`dup2` replaces the spare
/// in one step, so no accept in between can take the number), else onto the lowest free number,
/// and when none is free below the limit the connection fails with an error instead.
public enum LowDescriptors {
    /// The first descriptor number `select()` cannot watch.
    static let limit = Int32(FD_SETSIZE)

    private struct Reserve {
        /// Descriptors below the limit held on `/dev/null`, for device connections to take.
        var spares: [Int32] = []
        /// `/dev/null`, to put back onto a spare when its connection closes.
        var null: Int32 = -1
    }

    private static let reserve = Mutex(Reserve())

    /// Raises the soft limit on open descriptors to the hard limit (so that connections beyond
    /// 1024 are refused by the servers' own limits, not by `EMFILE` on a device's reconnect),
    /// and sets `count` descriptors below `FD_SETSIZE` aside for device connections. Call it
    /// first thing, before anything opens sockets, so the spares are the lowest numbers.
    public static func prepare(reserving count: Int) {
        raiseDescriptorLimit()
        reserve.withLock { reserve in
            if reserve.null < 0 { reserve.null = open("/dev/null", O_RDONLY | O_CLOEXEC) }
            guard reserve.null >= 0 else { return }
            for _ in 0..<count {
                let spare = fcntl(reserve.null, F_DUPFD_CLOEXEC, 0)
                guard spare >= 0 else { break }
                guard spare < limit else {
                    close(spare)
                    break
                }
                reserve.spares.append(spare)
            }
        }
    }

    /// The spares not taken by a connection now.
    package static var spareCount: Int { reserve.withLock { $0.spares.count } }

    /// Where a connection's descriptor went: `descriptor` is below the limit; a spare goes back
    /// to the reserve with `release(_:)` when the connection closes.
    struct Placement {
        var descriptor: Int32
        var isSpare: Bool
    }

    /// Takes ownership of `descriptor` and returns one below the limit for the same file, or
    /// nil (and `descriptor` closed) when no number below the limit is free.
    static func lower(_ descriptor: Int32) -> Placement? {
        guard descriptor >= limit else { return Placement(descriptor: descriptor, isSpare: false) }
        defer { close(descriptor) }
        if let spare = reserve.withLock({ $0.spares.popLast() }) {
            if replace(spare, with: descriptor) { return Placement(descriptor: spare, isSpare: true) }
            reserve.withLock { $0.spares.append(spare) }
        }
        let low = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
        guard low >= 0 else { return nil }
        guard low < limit else {
            close(low)
            return nil
        }
        return Placement(descriptor: low, isSpare: false)
    }

    /// Closes the connection on `spare` by putting `/dev/null` back onto it (in one step, so
    /// the number stays set aside) and returns it to the reserve.
    static func release(_ spare: Int32) {
        reserve.withLock { reserve in
            guard replace(spare, with: reserve.null) else {
                close(spare)
                return
            }
            reserve.spares.append(spare)
        }
    }

    /// Makes `target` a copy of `source`, closing what `target` was in the same step (`dup2`).
    private static func replace(_ target: Int32, with source: Int32) -> Bool {
        guard dup2(source, target) >= 0 else { return false }
        _ = fcntl(target, F_SETFD, FD_CLOEXEC)
        return true
    }

    private static func raiseDescriptorLimit() {
        var limits = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limits) == 0, limits.rlim_cur < limits.rlim_max else { return }
        let wanted = limits.rlim_max
        limits.rlim_cur = wanted
        if setrlimit(resource, &limits) != 0 {
            // An unlimited hard limit is more than the kernel's nr_open: ask for a plain number.
            limits.rlim_cur = min(wanted, 65536)
            _ = setrlimit(resource, &limits)
        }
    }
}
