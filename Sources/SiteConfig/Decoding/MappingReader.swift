import Yams

/// Reads one YAML mapping by hand, reporting every problem to the sink with its location:
/// unknown keys (with "did you mean"), missing keys, values of the wrong type.
struct MappingReader {
    let file: String
    let sink: DiagnosticSink
    /// How messages name the mapping: `point "soc"`, `device "ess1"`, `the site`.
    let context: String
    let location: SourceLocation
    private let entries: [(key: String, keyNode: Node, value: Node)]

    /// Nil (after a diagnostic) when `node` is not a mapping.
    init?(_ node: Node, file: String, sink: DiagnosticSink, context: String, expected: String) {
        guard case .mapping(let mapping) = node else {
            sink.error(node.location(in: file), "found \(node.found) for \(context), expected \(expected)")
            return nil
        }
        self.file = file
        self.sink = sink
        self.context = context
        self.location = node.location(in: file)
        entries = mapping.map { (key: $0.key.string ?? $0.key.found, keyNode: $0.key, value: $0.value) }
    }

    var keys: [String] { entries.map(\.key) }

    /// Each key with its value and the key's location, in file order.
    var pairs: [(key: Located<String>, value: Node)] {
        entries.map { (Located(value: $0.key, location: $0.keyNode.location(in: file)), $0.value) }
    }

    /// Reports every key that is not `allowed`.
    func checkKeys(_ allowed: [String]) {
        for entry in entries where !allowed.contains(entry.key) {
            sink.error(
                entry.keyNode.location(in: file),
                "found unknown key \"\(entry.key)\" in \(context)\(Suggestion.hint(for: entry.key, in: allowed))"
            )
        }
    }

    /// The value of `key`, treating an explicit null like an absent key.
    func node(_ key: String) -> Node? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    func keyLocation(_ key: String) -> SourceLocation? {
        entries.first { $0.key == key }?.keyNode.location(in: file)
    }

    func missing(_ key: String, _ expected: String) {
        sink.error(location, "found \(context) without \"\(key)\", expected \(expected)")
    }

    func wrong(_ key: String, _ node: Node, _ expected: String) {
        sink.error(node.location(in: file), "\(key): found \(node.found), expected \(expected)")
    }

    // MARK: - Scalars

    func string(_ key: String, required: Bool = false, expected: String) -> Located<String>? {
        guard let node = node(key) else {
            if required { missing(key, expected) }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            wrong(key, node, expected)
            return nil
        }
        return Located(value: scalar.string, location: node.textLocation(in: file))
    }

    func integer(_ key: String, in range: ClosedRange<Int>, required: Bool = false, expected: String) -> Located<Int>? {
        guard let node = node(key) else {
            if required { missing(key, expected) }
            return nil
        }
        guard case .scalar(let scalar) = node, let value = YAMLNumber.integer(scalar.string), range.contains(value)
        else {
            wrong(key, node, expected)
            return nil
        }
        return Located(value: value, location: node.location(in: file))
    }

    func number(_ key: String, expected: String) -> Located<Double>? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = YAMLNumber.double(scalar.string) else {
            wrong(key, node, expected)
            return nil
        }
        return Located(value: value, location: node.location(in: file))
    }

    func bool(_ key: String) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = ["true": true, "false": false][scalar.string.lowercased()]
        else {
            wrong(key, node, "true or false")
            return nil
        }
        return value
    }

    /// A name from a fixed set, with "did you mean" when it is not one of them.
    func choice<Value: RawRepresentable<String> & CaseIterable>(
        _ key: String, _ type: Value.Type, required: Bool = false, what: String
    ) -> Located<Value>? {
        let names = Value.allCases.map(\.rawValue)
        guard let text = string(key, required: required, expected: "\(what): \(names.joined(separator: ", "))") else {
            return nil
        }
        guard let value = Value(rawValue: text.value) else {
            sink.error(
                text.location,
                "\(key): found \"\(text.value)\", expected \(what)\(Suggestion.hint(for: text.value, in: names))"
            )
            return nil
        }
        return Located(value: value, location: text.location)
    }

    /// A quantity in the base unit of `dimension`.
    func quantity(_ key: String, _ dimension: Quantity.Dimension, required: Bool = false) -> Located<Double>? {
        guard let node = node(key) else {
            if required { missing(key, dimension.example) }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            wrong(key, node, dimension.example)
            return nil
        }
        do {
            return Located(value: try Quantity.parse(scalar.string, as: dimension), location: node.location(in: file))
        } catch {
            sink.error(node.location(in: file), "\(key): \(error.message)")
            return nil
        }
    }

    /// A positive duration.
    func duration(_ key: String, required: Bool = false) -> Located<Duration>? {
        guard let seconds = quantity(key, .duration, required: required) else { return nil }
        guard seconds.value > 0 else {
            sink.error(
                seconds.location, "\(key): found \(Quantity.format(seconds.value)) s, expected a duration above 0 s")
            return nil
        }
        return Located(value: .milliseconds(Int64((seconds.value * 1000).rounded())), location: seconds.location)
    }

    /// The items of a list, or nil (after a diagnostic) when the value is not a list.
    func list(_ key: String, required: Bool = false, expected: String) -> [Node]? {
        guard let node = node(key) else {
            if required { missing(key, expected) }
            return nil
        }
        guard case .sequence(let sequence) = node else {
            wrong(key, node, expected)
            return nil
        }
        return Array(sequence)
    }

    /// A nested mapping.
    func mapping(_ key: String, context: String, required: Bool = false, expected: String) -> MappingReader? {
        guard let node = node(key) else {
            if required { missing(key, expected) }
            return nil
        }
        return MappingReader(node, file: file, sink: sink, context: context, expected: expected)
    }
}
