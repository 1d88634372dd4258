/// What a read of a device through its map does when a request fails.
public enum ReadPolicy: Sendable, Hashable {
    /// The gateway's poll: a block the device refuses with an exception loses its own points
    /// (one request per block and cycle, whatever the device refuses); no answer at all fails
    /// the whole read, so a device that went away is found offline at once.
    case poll
    /// A survey (`busbar inspect`, `busbar commission`): a refused block is read again point by
    /// point, so one register the device refuses does not hide its neighbours, and every failure
    /// is kept with its point. Only a refused connection ends the read.
    case survey
}
