/// One thing wrong with a control request: where (a JSON path such as
/// `activateControlModes.ess.maxChargePower`) and why, in words for a log and a person.
public struct ControlProblem: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the offending value; empty for the document as a whole.
    public var path: String
    /// The target's key, when the problem belongs to one.
    public var target: String?
    /// What is wrong and, where it helps, what would be right.
    public var reason: String

    public init(path: String, target: String? = nil, reason: String) {
        self.path = path
        self.target = target
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// Why a whole request was refused. Nothing of a refused request is applied.
public enum ControlRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is larger than the limit, in bytes.
    case tooLarge(limit: Int)
    /// The body is not JSON, or not a JSON object.
    case invalidJSON(String)
    /// The body is JSON, but these parts of it are wrong.
    case invalid([ControlProblem])

    /// Every problem, as the `rejectedControlModes` list reports them.
    public var problems: [ControlProblem] {
        switch self {
        case .tooLarge(let limit): [ControlProblem(path: "", reason: "body larger than \(limit) bytes")]
        case .invalidJSON(let reason): [ControlProblem(path: "", reason: "invalid JSON: \(reason)")]
        case .invalid(let problems): problems
        }
    }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
