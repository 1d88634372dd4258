public import Foundation

/// Where the repository, its Python venv and the built executable are, seen from a test.
public enum Paths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The venv's Python with pymodbus, made by scripts/setup.
    public static var python: String { root.appendingPathComponent(".venv/bin/python").path }

    /// The interop scripts shipped with the tests.
    public static func script(_ name: String) -> String {
        root.appendingPathComponent("Tests/Interop/\(name)").path
    }

    /// The `busbar` executable built beside the test bundle.
    public static var busbar: String {
        if let override = ProcessInfo.processInfo.environment["BUSBAR_BIN"] { return override }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            bundle, bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let path = candidate.appendingPathComponent("busbar").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/busbar").path
    }
}
