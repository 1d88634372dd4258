import ArgumentParser
import SiteConfig

/// `busbar check SITE_OR_MAP`: validates a site file with every map it references, or a single
/// device map, and reports every problem at once.
struct CheckCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a site file (and the device maps it references) or a single device map.",
        discussion: """
            Prints every problem as FILE:LINE:COLUMN: error: what was found, what was expected, \
            and exits with status 1 when there are errors. --plan prints, per device, the block \
            reads of one poll cycle.
            """
    )

    @Argument(help: "A site file (with site: and devices:) or a device map.")
    var path: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Print the read requests of one poll cycle per device.")
    var plan = false

    func run() throws {
        let report = CheckReport.make(path: path)
        switch format {
        case .text: print(report.text(withPlan: plan))
        case .json: print(try report.json())
        }
        if !report.ok { throw ExitCode(1) }
    }
}
