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
            SIGTERM or SIGINT stop it cleanly and hand every device back (its map's release \
            recipe). SIGHUP reloads the site file in place, keeping the commands in force; an \
            invalid file, or one whose listeners cannot be bound, is rejected and the running \
            configuration continues.
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
        let listen = { (gateway: Gateway) throws in
            try gateway.listen(upstreams: gateway.upstreamHandlers(listen: override.map { [.native: $0] } ?? [:]))
        }
        // Every listener first: a gateway that cannot serve its masters never touches a device.
        try listen(gateway)
        var http = HTTPServices(http: loaded.site.http, push: loaded.site.push, gateway: gateway, logger: logger)
        gateway.startDevices()
        logger.notice(
            "gateway running", metadata: ["site": "\(loaded.site.name)", "devices": "\(loaded.site.devices.count)"])
        while signals.next() == SIGHUP {
            switch SiteLoader.load(path: site) {
            case .failure(let diagnostics):
                logger.error("reload rejected: the site file has errors; the running configuration continues")
                for diagnostic in diagnostics.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
            case .success(let reloaded):
                // The new site takes over the commands in force; the old one keeps its devices
                // until the new one listens, and serves again if it cannot.
                gateway.stopListening()
                http?.stop()
                let next = Gateway(site: reloaded, logger: logger, continuing: gateway)
                do {
                    try listen(next)
                } catch {
                    logger.error(
                        "reload rejected: the new site cannot listen; the running configuration continues",
                        metadata: ["error": "\(error)"])
                    do {
                        try listen(gateway)
                    } catch {
                        logger.critical("cannot serve the running site again", metadata: ["error": "\(error)"])
                        gateway.stop()
                        throw ExitCode.failure
                    }
                    http = HTTPServices(
                        http: loaded.site.http, push: loaded.site.push, gateway: gateway, logger: logger)
                    continue
                }
                // Devices that are gone, or now reached elsewhere or through another map, are
                // handed back where they were; the others keep what they owe (`continuing:`).
                let kept = Set(
                    reloaded.site.devices.filter { device in
                        loaded.site.devices.contains {
                            $0 == device && loaded.map(for: $0) == reloaded.map(for: device)
                        }
                    }.map(\.id))
                let removed = Set(loaded.site.devices.map(\.id)).subtracting(kept)
                gateway.stop(handingBack: removed)
                next.startDevices()
                http = HTTPServices(http: reloaded.site.http, push: reloaded.site.push, gateway: next, logger: logger)
                gateway = next
                loaded = reloaded
                logger.notice(
                    "site reloaded",
                    metadata: ["site": "\(loaded.site.name)", "devices.removed": "\(removed.sorted())"])
            }
        }
        http?.stop()
        gateway.stop()
        logger.notice("gateway stopped")
    }
}
