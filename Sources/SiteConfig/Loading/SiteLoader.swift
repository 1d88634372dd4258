import Yams

/// Loads a site file with every device map it references. Nothing in busbar starts on a site
/// that does not load.
public enum SiteLoader {
    /// The site and its maps, or every problem found in the site file and its maps.
    public static func load(path: String) -> Result<LoadedSite, DiagnosticList> {
        let (site, diagnostics) = check(path: path)
        guard let site else { return .failure(DiagnosticList(diagnostics)) }
        return .success(site)
    }

    /// The site (nil when anything has errors) and every diagnostic, warnings included.
    public static func check(path: String) -> (site: LoadedSite?, diagnostics: [Diagnostic]) {
        let sink = DiagnosticSink()
        guard let root = YAMLFile.read(path, sink: sink) else { return (nil, sink.diagnostics) }
        let decoder = SiteDecoder(file: path, sink: sink)
        let site = decoder.decode(root)
        let diagnostics = DiagnosticList(sink.diagnostics).diagnostics
        guard let site, !sink.hasErrors else { return (nil, diagnostics) }
        let maps = decoder.maps.compactMapValues { $0 }
        return (LoadedSite(site: site, maps: maps, path: path, warnings: diagnostics), diagnostics)
    }

    /// Whether the YAML at `path` looks like a site file rather than a device map: it has
    /// `site:` or `devices:` at the top.
    public static func isSiteFile(path: String) -> Bool {
        let sink = DiagnosticSink()
        guard case .mapping(let mapping)? = YAMLFile.read(path, sink: sink) else { return false }
        return mapping["site"] != nil || mapping["devices"] != nil
    }
}
