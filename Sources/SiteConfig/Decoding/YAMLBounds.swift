import Yams

/// What a YAML file may cost before it is composed: a bounded size, and aliases that expand to
/// a bounded number of nodes. A "billion laughs" (anchors of lists of aliases of the anchor
/// before, nine levels deep) is a few hundred bytes that expand to 10⁹ nodes; unbounded, it
/// hangs `busbar check` and a reload.
///
/// Yams composes an alias as a copy of its anchored node, which is cheap, but it hashes every
/// mapping key to find duplicates, and a key that holds aliases is hashed expanded, so composing
/// alone can take exponential time; and the decoders walk the expanded tree. The count is made
/// on a copy of the text in which no alias can resolve: every `*` that may start an alias is
/// replaced by a private-use character of the same width, so that an alias becomes a plain
/// scalar at the same line and column. That copy composes in time linear in its size, and one
/// walk over it adds up each alias's expansion from the sizes of the anchored nodes, each
/// computed once, so the count itself never expands anything.
enum YAMLBounds {
    /// The largest site file or device map read: the shipped ones are under 20 KiB.
    static let maxFileBytes = 4 * 1024 * 1024
    /// The most nodes aliases may add to one document once expanded: ample for sharing
    /// blocks of points or ratings, far below what would take a noticeable time to decode.
    static let maxAliasNodes = 100_000

    /// The error for a file over ``maxFileBytes``.
    static var fileTooLarge: String {
        let mebibytes = maxFileBytes / (1024 * 1024)
        return
            "found a file of more than \(mebibytes) MiB, expected a site file or device map of at most \(mebibytes) MiB"
    }

    /// Where and why `text`'s aliases expand to more than ``maxAliasNodes`` nodes, or nil when they
    /// do not (or when it has none).
    /// - Throws: the `YamlError` of a syntax error before the aliases went past the bound; the
    ///   copy keeps the original's lines and columns, so it is the original's error.
    static func aliasOverflow(in text: String, file: String) throws -> (location: SourceLocation, message: String)? {
        // Without an anchor, no alias resolves (Yams reports the undefined alias).
        guard text.unicodeScalars.contains("&"), text.unicodeScalars.contains("*") else { return nil }
        let candidates: [Unicode.Scalar] = ["\u{E000}", "\u{E001}", "\u{E002}", "\u{F8FF}"]
        guard let marker = candidates.first(where: { !text.unicodeScalars.contains($0) }) else {
            return (
                SourceLocation(file: file, line: 1, column: 1),
                "found the private-use characters U+E000, U+E001, U+E002 and U+F8FF together with aliases, "
                    + "expected a site file or device map without them"
            )
        }
        let parser = try Parser(yaml: neutralised(text, marker: marker))
        guard let root = try parser.singleRoot() else { return nil }
        // Yams holds anchors weakly: the parser keeps them alive for the walk.
        return withExtendedLifetime(parser) {
            var walk = AliasWalk(marker: marker, budget: maxAliasNodes)
            _ = walk.size(of: root)
            guard walk.overflowed else { return nil }
            let mark = walk.overflowMark
            return (
                SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1),
                "found aliases that expand to more than \(maxAliasNodes) nodes, expected at most \(maxAliasNodes) "
                    + "nodes from aliases in one file (each alias repeats its anchored block)"
            )
        }
    }

    /// `text` with every `*` that may start an alias replaced by `marker`. An alias token starts
    /// at the start of the text, after white space, or right after a flow indicator or the `:`
    /// and `?` indicators (which need no space in flow collections); anywhere else a `*` is part
    /// of a scalar, a comment or a tag, and replacing it inside a scalar or comment changes no
    /// structure. (A tag with `*` right after one of those characters would no longer parse;
    /// busbar's files have no tags.)
    static func neutralised(_ text: String, marker: Unicode.Scalar) -> String {
        var copy = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if scalar == "*", previous.map({ " \t\r\n[]{},:?".unicodeScalars.contains($0) }) ?? true {
                copy.append(marker)
            } else {
                copy.append(scalar)
            }
            previous = scalar
        }
        return String(copy)
    }
}

/// One pass over a composed copy whose aliases are plain scalars that start with the marker:
/// each anchored node's expanded size is computed once, when its node ends, as the parser
/// registers anchors, and each alias adds the size of the latest anchor of its name.
private struct AliasWalk {
    let marker: Unicode.Scalar
    let budget: Int
    /// Expanded sizes of the anchored nodes seen so far, by anchor (Yams makes one per `&`).
    private var sizes: [ObjectIdentifier: Int] = [:]
    /// The expanded size of the latest completed anchor of each name: what an alias refers to.
    private var latest: [String: Int] = [:]
    /// Nodes added by aliases so far.
    private var added = 0
    /// Whether the aliases went past the budget, and the mark of the alias that did.
    private(set) var overflowed = false
    private(set) var overflowMark: Mark?

    init(marker: Unicode.Scalar, budget: Int) {
        self.marker = marker
        self.budget = budget
    }

    /// The node's size with its aliases expanded, saturated just past the budget.
    mutating func size(of node: Node) -> Int {
        guard !overflowed else { return 0 }
        if let anchor = node.anchor, let size = sizes[ObjectIdentifier(anchor)] {
            // A copy of an anchored node, that is an alias the copy did not hide: none should be
            // left, but one counted here rather than walked keeps the walk linear regardless.
            return alias(of: size, at: node.mark)
        }
        var size = 1
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, scalar.string.unicodeScalars.first == marker {
                let name = String(
                    String.UnicodeScalarView(
                        scalar.string.unicodeScalars.dropFirst().prefix(while: \.isAnchorCharacter)))
                return alias(of: latest[name] ?? 0, at: node.mark)
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                size = size.adding(self.size(of: key), limit: budget).adding(self.size(of: value), limit: budget)
            }
        case .sequence(let sequence):
            for element in sequence { size = size.adding(self.size(of: element), limit: budget) }
        case .alias:
            break
        }
        if let anchor = node.anchor {
            sizes[ObjectIdentifier(anchor)] = size
            latest[anchor.rawValue] = size
        }
        return size
    }

    private mutating func alias(of size: Int, at mark: Mark?) -> Int {
        added = added.adding(size, limit: budget)
        if added > budget {
            overflowed = true
            overflowMark = mark
        }
        return size
    }
}

extension Int {
    /// The sum, saturated at one past `limit`.
    fileprivate func adding(_ other: Int, limit: Int) -> Int { Swift.min(self + other, limit + 1) }
}

extension Unicode.Scalar {
    /// A character of an anchor or alias name, as libyaml reads them.
    fileprivate var isAnchorCharacter: Bool {
        ("0"..."9").contains(self) || ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_"
            || self == "-"
    }
}
