import Foundation
import Yams

/// Reads a YAML file into a node tree, turning I/O and syntax errors into diagnostics, and
/// refusing files over the bounds of ``YAMLBounds`` before they are composed.
enum YAMLFile {
    /// The root node of `path`, or nil after a diagnostic at `reference` (where the file was
    /// named) or at the syntax error.
    static func read(_ path: String, sink: DiagnosticSink, reference: SourceLocation? = nil, named: String? = nil)
        -> Node?
    {
        let shown = named ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            sink.error(
                reference ?? SourceLocation(file: path, line: 1, column: 1),
                "found \(shown), but \(path) does not exist; expected a YAML file"
            )
            return nil
        }
        let data = contents(of: path, upTo: YAMLBounds.maxFileBytes + 1)
        if let data, data.count > YAMLBounds.maxFileBytes {
            sink.error(SourceLocation(file: path, line: 1, column: 1), YAMLBounds.fileTooLarge)
            return nil
        }
        guard let data, let text = String(data: data, encoding: .utf8) else {
            sink.error(
                reference ?? SourceLocation(file: path, line: 1, column: 1),
                "found \(path) unreadable, expected a UTF-8 YAML file")
            return nil
        }
        return parse(text, file: path, sink: sink)
    }

    /// At most `count` bytes of the file: one past the bound tells a file that is too large,
    /// whatever it is (a device or a pipe included), without reading all of it.
    private static func contents(of path: String, upTo count: Int) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: count) ?? Data()
    }

    static func parse(_ text: String, file: String, sink: DiagnosticSink) -> Node? {
        guard text.utf8.count <= YAMLBounds.maxFileBytes else {
            sink.error(SourceLocation(file: file, line: 1, column: 1), YAMLBounds.fileTooLarge)
            return nil
        }
        do {
            if let (location, message) = try YAMLBounds.aliasOverflow(in: text, file: file) {
                sink.error(location, message)
                return nil
            }
            guard let root = try Yams.compose(yaml: text) else {
                sink.error(
                    SourceLocation(file: file, line: 1, column: 1), "found an empty file, expected a YAML mapping")
                return nil
            }
            return root
        } catch let error as YamlError {
            report(error, file: file, sink: sink)
            return nil
        } catch {
            sink.error(SourceLocation(file: file, line: 1, column: 1), "found invalid YAML: \(error)")
            return nil
        }
    }

    private static func report(_ error: YamlError, file: String, sink: DiagnosticSink) {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " \($0.text)" } ?? ""
            sink.error(at(mark), "found invalid YAML: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            sink.error(at(context.mark), "found key \(keys) twice in one mapping, expected each key once")
        default:
            sink.error(SourceLocation(file: file, line: 1, column: 1), "found invalid YAML: \(error)")
        }
    }
}
