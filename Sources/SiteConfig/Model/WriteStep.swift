/// One write of a recipe: `{write: current_limit, value: "current"}`.
public struct WriteStep: Sendable, Hashable {
    /// The point written.
    public var point: String
    /// The engineering value to write, evaluated when the step runs.
    public var value: Expression

    public init(point: String, value: Expression) {
        self.point = point
        self.value = value
    }
}
