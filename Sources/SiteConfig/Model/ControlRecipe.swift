public import Vocabulary

/// How a device carries out one mode: writes in the order they must happen.
public struct ControlRecipe: Sendable, Hashable {
    public var mode: ModeKind
    public var steps: [WriteStep]

    public init(mode: ModeKind, steps: [WriteStep]) {
        self.mode = mode
        self.steps = steps
    }
}
