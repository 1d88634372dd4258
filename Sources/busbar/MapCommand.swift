import ArgumentParser
import Foundation
import SiteConfig
import Upstreams

/// `busbar map SITE --profile native|openems|sunspec`: the register document of one upstream profile for
/// a site, generated from the table the gateway serves.
struct MapCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, csv, json
    }

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case native, openems, sunspec
    }

    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Print the register map of a site's upstream profile (Markdown, CSV or JSON).",
        discussion: """
            The document lists every point the profile serves (native by default, openems or sunspec), with \
            its address, encoding, access, unit and meaning, and the listen endpoints and unit ids \
            of the site's upstreams with that profile. An invalid site prints its problems and exits \
            with status 1.
            """
    )

    @Argument(help: "A site file.")
    var path: String

    @Option(help: "Output format: md, csv or json.")
    var format: Format = .md

    @Option(help: "The upstream profile: native, openems or sunspec.")
    var profile: Profile = .native

    func run() throws {
        let site: LoadedSite
        switch SiteLoader.load(path: path) {
        case .success(let loaded): site = loaded
        case .failure(let problems):
            CommandFailure.printError("\(path) is not a valid site; nothing generated")
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            throw ExitCode(1)
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
        }
    }
}
