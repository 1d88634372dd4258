import Foundation

/// The site files busbar ships (`sites/demo.yaml` and its device maps), found from where the
/// executable is rather than from the current directory, so that `busbar demo` works anywhere.
enum ShippedSites {
    /// The `sites` folder: `<prefix>/share/busbar/sites` for an executable installed as
    /// `<prefix>/bin/busbar`, else the first `sites` folder holding `file` found walking up from
    /// the executable's folder (a build tree: `.build/debug/busbar` finds the repository's).
    /// Nil when there is none.
    static func path(of file: String) -> String? {
        candidates.lazy.map { $0.appendingPathComponent(file).path }.first {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// Where `path(of:)` looks, in order: for messages when it finds nothing.
    static var candidates: [URL] {
        guard let executable else { return [] }
        var folder = executable.deletingLastPathComponent()
        var result = [folder.deletingLastPathComponent().appendingPathComponent("share/busbar/sites")]
        while true {
            result.append(folder.appendingPathComponent("sites"))
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return result
    }

    /// The running executable with symbolic links resolved (`/proc/self/exe` on Linux, where
    /// the command line may name it by a relative path or through PATH).
    static var executable: URL? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target)
        }
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }

    /// A path as short as it reads from the current directory: relative inside it, else as is.
    static func display(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        let prefix = current.hasSuffix("/") ? current : current + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
