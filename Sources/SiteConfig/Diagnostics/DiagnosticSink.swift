/// Collects diagnostics while one file or one site is decoded.
///
/// A class so that the decoding helpers can share it; it never leaves the loader, which hands
/// out the collected ``Diagnostic`` values.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains(where: \.isError) }

    func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, .error, message))
    }

    func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, .warning, message))
    }

    func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}
