import ArgumentParser
import Foundation
import Integrations
import SiteConfig
import Upstreams

/// `busbar map SITE --profile native|openems|sunspec`: the register document of one upstream profile for
/// a site, generated from the table the gateway serves, or an integration generated from that
/// table (`--format homeassistant|evcc`).
struct MapCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, csv, json, homeassistant, evcc
    }

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case native, openems, sunspec
    }

    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract:
            "Print the register map of a site's upstream profile, or a Home Assistant or evcc configuration for it.",
        discussion: """
            The document lists every point the profile serves (native by default, openems or sunspec), with \
            its address, encoding, access, unit and meaning, and the listen endpoints and unit ids \
            of the site's upstreams with that profile. An invalid site prints its problems and exits \
            with status 1.

            --format homeassistant prints a Home Assistant modbus: configuration for the native \
            profile (sensors for every readable point, a script per control block); --format evcc \
            prints evcc meters for the native profile (custom modbus meters with battery control) or, \
            with --profile openems, meters of evcc's openems-modbus template. Both connect to the \
            site's upstream with that profile; --host and --port say where an integration reaches it \
            instead (needed for a wildcard listen address, or behind NAT).
            """
    )

    @Argument(help: "A site file.")
    var path: String

    @Option(help: "Output format: md, csv, json, homeassistant or evcc.")
    var format: Format = .md

    @Option(help: "The upstream profile: native, openems or sunspec.")
    var profile: Profile = .native

    @Option(
        help:
            "For homeassistant and evcc: the host the integration connects to (default: the upstream's listen address)."
    )
    var host: String?

    @Option(help: "For homeassistant and evcc: the port the integration connects to (default: the upstream's).")
    var port: Int?

    func run() throws {
        let site: LoadedSite
        switch SiteLoader.load(path: path) {
        case .success(let loaded): site = loaded
        case .failure(let problems):
            CommandFailure.printError("\(path) is not a valid site; nothing generated")
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            throw ExitCode(1)
        }
        if format == .homeassistant || format == .evcc {
            print(try integration(for: site), terminator: "")
            return
        }
        let (markdown, csv, json): (() -> String, () -> String, () throws -> String)
        switch profile {
        case .native:
            let document = NativeMapDocument(site: site)
            (markdown, csv, json) = (document.markdown, document.csv, document.json)
        case .openems:
            let document = OpenEMSDocument(site: site)
            (markdown, csv, json) = (document.markdown, document.csv, document.json)
        case .sunspec:
            let document = SunSpecDocument(site: site)
            (markdown, csv, json) = (document.markdown, document.csv, document.json)
        }
        switch format {
        case .md: print(markdown(), terminator: "")
        case .csv: print(csv(), terminator: "")
        case .json: print(try json())
        case .homeassistant, .evcc: break
        }
    }

    /// The Home Assistant or evcc configuration for the site's upstream with the profile.
    private func integration(for site: LoadedSite) throws -> String {
        let upstreamProfile: UpstreamConfig.Profile
        switch (format, profile) {
        case (.homeassistant, .native), (.evcc, .native): upstreamProfile = .native
        case (.evcc, .openems): upstreamProfile = .openems
        default:
            let supported = format == .homeassistant ? "native" : "native or openems"
            CommandFailure.printError(
                "--format \(format.rawValue) is generated for the \(supported) profile, not \(profile.rawValue); nothing generated"
            )
            throw ExitCode(1)
        }
        if let port, !(1...65535).contains(port) {
            CommandFailure.printError("--port \(port) is not a TCP port (1–65535); nothing generated")
            throw ExitCode(1)
        }
        guard let endpoint = IntegrationEndpoint(site: site.site, profile: upstreamProfile, host: host, port: port)
        else {
            CommandFailure.printError(
                "\(path) has no upstream with profile \(upstreamProfile.rawValue); give --port (and --host) "
                    + "where the integration reaches busbar; nothing generated")
            throw ExitCode(1)
        }
        switch upstreamProfile {
        case .native where format == .homeassistant:
            return try HomeAssistantConfiguration(site: site, endpoint: endpoint).yaml()
        case .native:
            return try EvccConfiguration(site: site, form: .native(NativeRegisterMap(site: site)), endpoint: endpoint)
                .yaml()
        default:
            return try EvccConfiguration(
                site: site, form: .openems(OpenEMSDocument(site: site).table), endpoint: endpoint
            )
            .yaml()
        }
    }
}
