import Vocabulary

extension ModeKind {
    /// Checks `values` against the mode's parameters: each one given and inside its documented
    /// range. Values for parameters the mode does not take are ignored.
    func validate(_ values: [ModeParameter.Name: Double]) throws(CommandRejection) {
        for spec in parameters {
            guard let value = values[spec.name] ?? spec.defaultValue else {
                throw .parameterMissing(mode: name, parameter: spec.name.rawValue)
            }
            guard spec.range.contains(value) else {
                throw .parameterOutOfRange(mode: name, parameter: spec.name.rawValue, value: value, range: spec.range)
            }
        }
    }

    /// The values keyed by the mode's parameters: `parameter` for the first, the defaults for
    /// the others.
    func values(_ parameter: Double?) -> [ModeParameter.Name: Double] {
        guard let parameter, let spec = parameters.first else { return [:] }
        var values = [spec.name: parameter]
        for other in parameters.dropFirst() { values[other.name] = other.defaultValue }
        return values
    }

    /// `values` with every parameter left out at its default.
    func completed(_ values: [ModeParameter.Name: Double]) -> [ModeParameter.Name: Double] {
        var result = values
        for spec in parameters where result[spec.name] == nil { result[spec.name] = spec.defaultValue }
        return result
    }
}
