import Foundation
import PackagePlugin

/// Bakes the package's git revision into the target as `BuildRevision.git`, for
/// `busbar --version`.
///
/// A build command whose inputs are the files git changes whenever HEAD moves (`HEAD`, the
/// reflog `logs/HEAD`, the branch's ref): the build runs it again after a commit, a checkout or
/// a reset, and not otherwise. Not a prebuild command: SwiftPM runs those only when it plans the
/// build again, which a commit that adds or removes no file does not make it do, so the
/// revision would go stale. It runs git, which reads the local repository only, and rewrites
/// `BuildRevision.swift` only when the text changes. Outside a git checkout of this package (a
/// source tarball, no git) the revision is "unknown".
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildRevision.swift")
        return [
            .buildCommand(
                displayName: "Baking the git revision into \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "revision", output.path, package.path],
                inputFiles: Self.headFiles(of: package),
                outputFiles: [output])
        ]
    }

    /// The files git rewrites when HEAD moves, in the package's own repository (`.git` a folder,
    /// or a file naming it, as in a worktree); none outside one.
    static func headFiles(of package: URL) -> [URL] {
        let dotGit = package.appendingPathComponent(".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isFolder) else { return [] }
        var gitDir = dotGit
        if !isFolder.boolValue {
            guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
                let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ")
            else { return [] }
            let path = String(line.dropFirst("gitdir: ".count))
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appendingPathComponent(path)
        }
        // A worktree's refs live in the repository it names in `commondir`.
        var commonDir = gitDir
        if let text = try? String(contentsOf: gitDir.appendingPathComponent("commondir"), encoding: .utf8) {
            let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDir.appendingPathComponent(path)
        }
        let head = gitDir.appendingPathComponent("HEAD")
        var files = [head, gitDir.appendingPathComponent("logs/HEAD")]
        if let text = try? String(contentsOf: head, encoding: .utf8), text.hasPrefix("ref: ") {
            let ref = text.dropFirst("ref: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
            files.append(commonDir.appendingPathComponent(ref))
        }
        return files.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// `$1`: the file to write; `$2`: the package. The checkout must be the package's own (a
    /// tarball unpacked inside another repository must not take that repository's revision).
    static let script = #"""
        set -u
        revision=unknown
        if top=$(git -C "$2" rev-parse --show-toplevel 2>/dev/null) && [ "$(cd "$2" && pwd -P)" = "$(cd "$top" && pwd -P)" ]; then
            revision=$(git -C "$2" rev-parse --short HEAD 2>/dev/null) || revision=unknown
        fi
        cat >"$1.new" <<SWIFT
        // Generated at build time by Plugins/BuildRevision: do not edit.
        enum BuildRevision {
            /// The git revision busbar was built from (\`git rev-parse --short HEAD\`); "unknown"
            /// outside a git checkout of the package.
            static let git = "$revision"
        }
        SWIFT
        if cmp -s "$1.new" "$1"; then rm "$1.new"; else mv "$1.new" "$1"; fi
        """#
}
