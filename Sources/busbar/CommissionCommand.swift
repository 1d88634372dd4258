import ArgumentParser
import Commissioning
import Foundation
import Gateway
import SiteConfig
import Upstreams
import Vocabulary

/// `busbar commission SITE`: proves a site file against the live devices and writes a report.
struct CommissionCommand: ParsableCommand {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case md, html, json
    }

    static let configuration = CommandConfiguration(
        commandName: "commission",
        abstract:
            "Prove a site against its live devices: reach, identify and read every device, check what it reads, and (with --pulse) move each controllable device.",
        discussion: """
            For each device: reachability and round-trip time, identity points, every point read \
            (a refused block point by point) and checked for plausibility (SoC within 0-100 %, \
            powers within the ratings of the site file, a meter's phases adding up to its total, \
            the units busbar expects), and the read plan's requests per cycle.
            With --pulse, each battery then charges with 5 % of its max_power for the pulse's \
            duration, then discharges, and each chargepoint with a car is limited to 6 A; its \
            active power must move with the right sign and roughly the right size (this catches \
            the sign and scale errors of a map). Every device is handed back afterwards. --pulse \
            asks for confirmation unless --yes is given. Stop any other gateway of the site first.
            The report (Markdown, HTML or JSON) has every device's checks with their evidence; \
            Markdown and HTML end with the site's native register map for the EMS integrator.
            Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed or the \
            site file is invalid, 64 bad arguments.
            Examples:
              busbar commission /etc/busbar/site.yaml
              busbar commission site.yaml --pulse --yes --format html --output commissioning.html
            """
    )

    @Argument(help: "The site file.")
    var path: String

    @Flag(help: "Move every controllable device briefly to prove its sign and scale.")
    var pulse = false

    @Flag(help: "Do not ask before --pulse moves the devices.")
    var yes = false

    @Option(help: "How long each pulse holds, e.g. 10s.", transform: Interval.parse)
    var pulseDuration: Duration = .seconds(10)

    @Option(help: "Report format: md, html or json.")
    var format: Format = .md

    @Option(help: "Write the report to this file instead of stdout.")
    var output: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard pulseDuration >= .seconds(1) else { throw ValidationError("--pulse-duration must be at least 1s") }
    }

    func run() throws {
        let logger = logging.bootstrap()
        let site = try SiteFile.load(path)
        if pulse, !yes { try confirm(site) }
        let commissioning = Commissioning(
            site: site, pulse: pulse ? PulseSettings(duration: pulseDuration) : nil, logger: logger)
        let report = commissioning.run()
        let appendix = NativeMapDocument(site: site).markdown()
        let text =
            switch format {
            case .md: report.markdown(appendix: appendix)
            case .html: report.html(appendix: appendix)
            case .json: try report.json() + "\n"
            }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                CommandFailure.printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode.failure
            }
        } else {
            print(text, terminator: "")
        }
        FileHandle.standardError.write(
            Data("busbar: \(site.site.name): \(report.verdict.rawValue) (\(report.tally))\n".utf8))
        if report.verdict == .fail { throw ExitCode.failure }
    }

    /// Asks at a terminal before the pulses move the devices; refuses to guess elsewhere.
    private func confirm(_ site: LoadedSite) throws {
        guard isatty(STDIN_FILENO) != 0 else {
            CommandFailure.printError(
                "--pulse moves the devices of \(site.site.name); confirm with --yes when not at a terminal")
            throw ExitCode.validationFailure
        }
        let controllable = site.site.devices.filter { site.maps[$0.mapPath]?.kind.isControllable ?? false }.map(\.id)
        FileHandle.standardError.write(
            Data(
                "--pulse will charge, discharge and limit \(controllable.joined(separator: ", ")) for \(Int(pulseDuration.components.seconds)) s each. Type yes to go on: "
                    .utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            CommandFailure.printError("not confirmed; nothing was moved")
            throw ExitCode.failure
        }
    }
}
