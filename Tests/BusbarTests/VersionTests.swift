import Foundation
import TestSupport
import Testing

/// `busbar --version`: the version and the git revision the executable was built from.
struct VersionTests {
    @Test func namesTheVersionAndTheGitRevisionItWasBuiltFrom() throws {
        let result = try busbar("--version")
        #expect(result.status == 0, "\(result.errorOutput)")
        let line = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let match = try #require(
            line.wholeMatch(of: /busbar \d+\.\d+\.\d+ \(git ([0-9a-f]{7,40}|unknown)\)/), "\(line)")
        // The revision is the checkout's, unless there is no git to ask: then "unknown".
        let head = try? runCommand("/usr/bin/git", ["-C", Paths.root.path, "rev-parse", "--short", "HEAD"])
        if let head, head.status == 0 {
            let expected = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(
                match.1 == expected,
                "built from \(match.1), the checkout is at \(expected): a commit since the build? build again")
        } else {
            #expect(match.1 == "unknown")
        }
    }
}
