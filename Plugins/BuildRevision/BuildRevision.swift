import Foundation
import PackagePlugin

/// Bakes the package's git revision into the target as `BuildRevision.git`, for
/// `busbar --version`.
///
/// A prebuild command, so that it runs on every build (a build command would run only when its
/// declared inputs change, and a commit changes no file the build reads). It runs git, which
/// reads the local repository only, and rewrites `BuildRevision.swift` only when the text
/// changes, so that an unchanged revision recompiles nothing. Outside a git checkout of this
/// package (a source tarball, no git) the revision is "unknown".
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        return [
            .prebuildCommand(
                displayName: "Baking the git revision into \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "revision", output.path, context.package.directoryURL.path],
                outputFilesDirectory: output)
        ]
    }

    /// `$1`: the folder to write into; `$2`: the package. The checkout must be the package's own
    /// (a tarball unpacked inside another repository must not take that repository's revision).
    static let script = #"""
        set -u
        mkdir -p "$1"
        revision=unknown
        if top=$(git -C "$2" rev-parse --show-toplevel 2>/dev/null) && [ "$(cd "$2" && pwd -P)" = "$(cd "$top" && pwd -P)" ]; then
            revision=$(git -C "$2" rev-parse --short HEAD 2>/dev/null) || revision=unknown
            if [ "$revision" != unknown ] && ! git -C "$2" diff --quiet HEAD -- 2>/dev/null; then
                revision="$revision, modified"
            fi
        fi
        cat >"$1/../BuildRevision.swift.new" <<SWIFT
        // Generated at build time by Plugins/BuildRevision: do not edit.
        enum BuildRevision {
            /// The git revision busbar was built from (\`git rev-parse --short HEAD\`), with ", modified"
            /// when tracked files differed from it; "unknown" outside a git checkout of the package.
            static let git = "$revision"
        }
        SWIFT
        if cmp -s "$1/../BuildRevision.swift.new" "$1/BuildRevision.swift"; then
            rm "$1/../BuildRevision.swift.new"
        else
            mv "$1/../BuildRevision.swift.new" "$1/BuildRevision.swift"
        fi
        """#
}
