public import Foundation

/// One entry of `rejectedControlModes`: a request (or part of one) that changed nothing, and
/// why. A push reports what went wrong with earlier responses; the local API answers with it.
public struct RejectedControlMode: Codable, Sendable, Hashable {
    /// When it was refused.
    public var at: Date
    /// The target's key, when the problem belongs to one.
    public var target: String?
    /// The JSON path of the offending value; empty for the whole body.
    public var path: String
    /// Why.
    public var reason: String

    public init(at: Date, target: String? = nil, path: String, reason: String) {
        self.at = at
        self.target = target
        self.path = path
        self.reason = reason
    }

    /// A decoder's problem, refused at `at`.
    public init(_ problem: ControlProblem, at: Date) {
        self.init(at: at, target: problem.target, path: problem.path, reason: problem.reason)
    }
}
