/// What a controller does while an input it needs is unknown: it keeps its last output for a
/// while (a poll that failed once must not stop a plan), then gives up, and the command is lost
/// with `inputMissing`. Never an invented value: only the last output it gave on real inputs.
struct InputHold<Output: Hashable & Sendable>: Hashable, Sendable {
    private var last: Output?
    private var missingSince: ControlInstant?

    /// Notes an output given on known inputs.
    mutating func known(_ output: Output) {
        last = output
        missingSince = nil
    }

    /// The input is unknown at `now`: the last output while it has been unknown for less than
    /// `hold`, else `nil` (and the last output is forgotten).
    mutating func missing(at now: ControlInstant, hold: Duration) -> Output? {
        let since = missingSince ?? now
        missingSince = since
        if let last, since.duration(to: now) < hold { return last }
        last = nil
        return nil
    }
}
