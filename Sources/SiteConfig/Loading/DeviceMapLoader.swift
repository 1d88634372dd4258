import Yams

/// Loads device maps: `sites/devices/*.yaml`.
public enum DeviceMapLoader {
    /// The map at `path`, or every problem found in it. Warnings do not stop a map loading.
    public static func load(path: String) -> Result<DeviceMap, DiagnosticList> {
        let (map, diagnostics) = check(path: path)
        guard let map else { return .failure(DiagnosticList(diagnostics)) }
        return .success(map)
    }

    /// The map (nil when it has errors) and every diagnostic, warnings included.
    public static func check(path: String) -> (map: DeviceMap?, diagnostics: [Diagnostic]) {
        check(path: path, reference: nil)
    }

    /// Decodes map text as if it were the file `file` (for tests and tools that hold text).
    public static func decode(yaml: String, file: String) -> (map: DeviceMap?, diagnostics: [Diagnostic]) {
        let sink = DiagnosticSink()
        guard let root = YAMLFile.parse(yaml, file: file, sink: sink) else { return (nil, sink.diagnostics) }
        return decode(root, file: file, sink: sink)
    }

    /// `reference` is where a site file names the map, so a missing file is reported there.
    static func check(path: String, reference: SourceLocation?, named: String? = nil) -> (
        map: DeviceMap?, diagnostics: [Diagnostic]
    ) {
        let sink = DiagnosticSink()
        guard let root = YAMLFile.read(path, sink: sink, reference: reference, named: named) else {
            return (nil, sink.diagnostics)
        }
        return decode(root, file: path, sink: sink)
    }

    private static func decode(_ root: Node, file: String, sink: DiagnosticSink) -> (
        map: DeviceMap?, diagnostics: [Diagnostic]
    ) {
        let map = DeviceMapDecoder(file: file, sink: sink).decode(root)
        return (sink.hasErrors ? nil : map, DiagnosticList(sink.diagnostics).diagnostics)
    }
}
