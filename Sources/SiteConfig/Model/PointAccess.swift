/// Whether the gateway may read a point, write it, or both (`access: r|rw|w`).
public enum PointAccess: String, Sendable, Hashable, CaseIterable {
    case read = "r"
    case readWrite = "rw"
    /// Write-only: set-points that a device accepts but does not report back (SMA).
    case write = "w"

    public var isReadable: Bool { self != .write }
    public var isWritable: Bool { self != .read }
}
