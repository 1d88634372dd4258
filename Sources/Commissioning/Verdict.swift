/// How a check, a device or a whole site came out of commissioning; a device's verdict is its
/// worst check's, the site's its worst device's.
public enum Verdict: String, Sendable, Encodable, Comparable, CaseIterable {
    case pass, warn, fail

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The worst of `verdicts`; a pass when there are none.
    public static func worst(_ verdicts: some Sequence<Verdict>) -> Verdict { verdicts.max() ?? .pass }
}
