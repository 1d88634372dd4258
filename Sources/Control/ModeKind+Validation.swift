import Vocabulary

extension ModeKind {
    /// Checks `values` against the mode's parameters: each one given and inside its documented
    /// range. Values for parameters the mode does not take are ignored.
    func validate(_ values: [ModeParameter.Name: Double]) throws(CommandRejection) {
        for spec in parameters {
            guard let value = values[spec.name] else {
                throw .parameterMissing(mode: name, parameter: spec.name.rawValue)
            }
            guard spec.range.contains(value) else {
                throw .parameterOutOfRange(mode: name, parameter: spec.name.rawValue, value: value, range: spec.range)
            }
        }
    }

    /// The values keyed by the mode's parameters, for modes that take at most one.
    func values(_ parameter: Double?) -> [ModeParameter.Name: Double] {
        guard let parameter, let spec = parameters.first else { return [:] }
        return [spec.name: parameter]
    }
}
