import Yams

/// A YAML document built in order, for configurations other programs read: mappings keep the
/// order their keys were given in, texts that would read as another type are quoted, and
/// absent values leave their key out.
enum YAMLTree {
    /// A mapping of the pairs whose value is present, in order.
    static func map(_ pairs: KeyValuePairs<String, Node?>) -> Node {
        map(pairs.map { ($0.key, $0.value) })
    }

    static func map(_ pairs: [(String, Node?)]) -> Node {
        Node.mapping(Node.Mapping(pairs.compactMap { key, value in value.map { (text(key), $0) } }))
    }

    static func list(_ items: [Node]) -> Node { Node.sequence(Node.Sequence(items)) }

    /// A text: plain where YAML reads it back as text, quoted where it would read as a number,
    /// a boolean or null.
    static func text(_ value: String) -> Node { Node(value, Tag(.str)) }

    static func number(_ value: Int) -> Node { Node(String(value), Tag(.int)) }

    /// A number, written as an integer when it is one.
    static func number(_ value: Double) -> Node {
        if value == value.rounded(), value.magnitude < 1e15 { return number(Int(value)) }
        return Node(String(value), Tag(.float))
    }

    static func flag(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }

    /// The document as text after `header` (comment lines, without their `#`).
    static func document(_ root: Node, header: [String]) throws -> String {
        let comments = header.map { $0.isEmpty ? "#" : "# \($0)" }.joined(separator: "\n")
        let body = try Yams.serialize(node: root, indent: 2, width: -1, allowUnicode: true)
        return comments + "\n" + body
    }
}
