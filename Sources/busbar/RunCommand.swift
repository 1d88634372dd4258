import ArgumentParser
import Dispatch
import Foundation
import Gateway
import Logging
import SiteConfig

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway for a site: poll the devices, serve the masters, carry out their commands.",
        discussion: """
            SIGTERM or SIGINT stop it cleanly. SIGHUP reloads the site file: an invalid file is \
            rejected with its messages and the running configuration continues.
            """
    )

    @Argument(help: "The site file.")
    var site: String

    @Option(help: "Serve the native profile on HOST:PORT instead of the site file's listen address.")
    var listen: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])
        let logger = logging.bootstrap()
        let override = try listen.map(ListenAddress.parse)
        var loaded = try SiteFile.load(site)
        var gateway = Gateway(site: loaded, logger: logger)
        try gateway.start(upstreams: gateway.upstreamHandlers(listen: override.map { [.native: $0] } ?? [:]))
        logger.notice("gateway running", metadata: ["site": "\(loaded.site.name)", "devices": "\(loaded.site.devices.count)"])
        while signals.next() == SIGHUP {
            switch SiteLoader.load(path: site) {
            case .failure(let diagnostics):
                logger.error("reload rejected: the site file has errors; the running configuration continues")
                for diagnostic in diagnostics.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            case .success(let reloaded):
                gateway.stop()
                loaded = reloaded
                gateway = Gateway(site: loaded, logger: logger)
                do {
                    try gateway.start(upstreams: gateway.upstreamHandlers(listen: override.map { [.native: $0] } ?? [:]))
                    logger.notice("site reloaded", metadata: ["site": "\(loaded.site.name)"])
                } catch {
                    logger.critical("cannot serve the reloaded site", metadata: ["error": "\(error)"])
                    throw ExitCode.failure
                }
            }
        }
        gateway.stop()
        logger.notice("gateway stopped")
    }
}
