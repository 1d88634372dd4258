import ArgumentParser
import Foundation
import SiteConfig

/// Loads a site for the commands that run one: nothing starts on a site that fails `check`.
enum SiteFile {
    static func load(_ path: String) throws -> LoadedSite {
        switch SiteLoader.load(path: path) {
        case .success(let site):
            for warning in site.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
            return site
        case .failure(let diagnostics):
            FileHandle.standardError.write(
                Data("\(diagnostics)\nbusbar: \(path) has errors; nothing was started\n".utf8))
            throw ExitCode.failure
        }
    }
}
