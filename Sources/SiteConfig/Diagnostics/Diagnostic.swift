/// One problem found in a site file or device map, with where it is.
///
/// Prints as a compiler does, `path:line:column: error: message`, so editors and CI logs link
/// to the spot. Messages say what was found and what was expected.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// The file as it was named to the loader (a site's maps: resolved against the site file).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does.
    public var column: Int
    package var severity: Severity
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    init(_ location: SourceLocation, _ severity: Severity, _ message: String) {
        self.init(
            file: location.file, line: location.line, column: location.column, severity: severity, message: message)
    }

    public var isError: Bool { severity == .error }

    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}
