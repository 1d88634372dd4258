import ArgumentParser
import Foundation
import Gateway
import SiteConfig

/// `busbar map SITE`: the native register map document for a site, generated from the table
/// the gateway serves.
struct MapCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, csv, json
    }

    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Print the native register map of a site (Markdown, CSV or JSON).",
        discussion: """
            The document lists every point the native upstream profile serves, with its address, \
            encoding, access, unit and meaning, and the listen endpoint and unit id of the site's \
            native upstream. An invalid site prints its problems and exits with status 1.
            """
    )

    @Argument(help: "A site file.")
    var path: String

    @Option(help: "Output format: md, csv or json.")
    var format: Format = .md

    func run() throws {
        let site: LoadedSite
        switch SiteLoader.load(path: path) {
        case .success(let loaded): site = loaded
        case .failure(let problems):
            CommandFailure.printError("\(path) is not a valid site; nothing generated")
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            throw ExitCode(1)
        }
        let document = NativeMapDocument(site: site)
        switch format {
        case .md: print(document.markdown(), terminator: "")
        case .csv: print(document.csv(), terminator: "")
        case .json: print(try document.json())
        }
    }
}
