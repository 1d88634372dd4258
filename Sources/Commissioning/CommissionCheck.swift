/// One thing commissioning checked on a device, with what it saw.
public struct CommissionCheck: Sendable, Encodable, Hashable {
    /// What was checked: `reachable`, `soc range`, `phase sum`, `pulse FORCE_CHARGE`, …
    public var name: String
    public var verdict: Verdict
    /// The evidence, in words: "read 54.2 %", "expected ≈ −250 W (charging), read +248 W".
    public var evidence: String
    /// The map point the check is about, when it is about one.
    public var point: String?

    public init(_ name: String, _ verdict: Verdict, _ evidence: String, point: String? = nil) {
        self.name = name
        self.verdict = verdict
        self.evidence = evidence
        self.point = point
    }
}
