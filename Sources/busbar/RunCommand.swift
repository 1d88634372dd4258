import ArgumentParser
import Dispatch
import Foundation
import Gateway
import GatewayHTTP
import Journal
import Logging
import Modbus
import SiteConfig

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway for a site: poll the devices, serve the masters, carry out their commands.",
        discussion: """
            SIGTERM or SIGINT stop it cleanly and hand every device back (its map's release \
            recipe). SIGHUP reloads the site file in place, keeping the commands in force and the \
            connections of unchanged device endpoints and listeners; an invalid file, or one \
            whose listeners or local API address cannot be bound, is rejected and the running \
            configuration continues. A SIGTERM or SIGINT during a reload stops the gateway \
            without waiting for the new file to load.
            """
    )

    @Argument(help: "The site file.")
    var site: String

    @Option(help: "Serve the native profile on HOST:PORT instead of the site file's listen address.")
    var listen: String?

    @Option(help: "Keep the audit journal (SQLite) in FILE, e.g. /var/lib/busbar/journal.sqlite.")
    var journal: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        // Before anything opens a socket: the lowest descriptors are set aside for the devices.
        LowDescriptors.prepare(reserving: Self.deviceDescriptorReserve)
        let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])
        let logger = logging.bootstrap()
        let overrides = try listen.map(ListenAddress.parse).map { [UpstreamConfig.Profile.native: $0] } ?? [:]
        var loaded = try SiteFile.load(site)
        let routes = try OperatorRoutes.open(journal: journal, logger: logger)
        let gateway = Gateway(site: loaded, logger: logger)
        let operations = routes.operations(for: gateway)
        // Every listener first: a gateway that cannot serve its masters never touches a device.
        try gateway.listen(upstreams: gateway.upstreamHandlers(listen: overrides))
        var http: HTTPServices?
        do {
            http = try HTTPServices(
                .init(site: loaded.site), controller: gateway.controller, logger: logger, operations: operations)
        } catch {
            gateway.stopListening()
            CommandFailure.printError("\(error)")
            throw ExitCode.failure
        }
        gateway.startDevices()
        routes.journal?.lifecycle(.start, reason: "site \(loaded.site.name), \(loaded.site.devices.count) devices")
        logger.notice(
            "gateway running", metadata: ["site": "\(loaded.site.name)", "devices": "\(loaded.site.devices.count)"])
        while signals.next() == SIGHUP {
            let path = site
            guard let result = signals.run({ SiteLoader.load(path: path) }, unlessAny: [SIGTERM, SIGINT]) else {
                logger.notice("reload abandoned: the gateway stops")
                break
            }
            switch result {
            case .failure(let diagnostics):
                logger.error("reload rejected: the site file has errors; the running configuration continues")
                for diagnostic in diagnostics.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
                routes.journal?.lifecycle(.reload, outcome: "rejected", reason: "the site file has errors")
            case .success(let reloaded):
                let settings = HTTPServices.Settings(site: reloaded.site)
                var nextHTTP = http
                do {
                    let report = try gateway.reload(to: reloaded, listen: overrides) {
                        nextHTTP = try Self.services(
                            for: settings, replacing: &http, controller: gateway.controller, operations: operations,
                            logger: logger)
                    }
                    if nextHTTP !== http { http?.stop() }
                    http = nextHTTP
                    loaded = reloaded
                    routes.journal?.lifecycle(
                        .reload, outcome: "applied", reason: "devices handed back: \(report.handedBack)")
                    logger.notice(
                        "site reloaded",
                        metadata: [
                            "site": "\(loaded.site.name)", "devices.handedBack": "\(report.handedBack)",
                            "endpoints.kept": "\(report.keptEndpoints)",
                            "endpoints.opened": "\(report.openedEndpoints)",
                            "listeners.kept": "\(report.keptListeners)",
                            "listeners.opened": "\(report.openedListeners)",
                        ])
                } catch {
                    // Nothing of the new site is left running: the reload binds before it applies.
                    logger.error(
                        "reload rejected: the new site cannot listen; the running configuration continues",
                        metadata: ["error": "\(error)"])
                    routes.journal?.lifecycle(.reload, outcome: "rejected", reason: "\(error)")
                }
            }
        }
        http?.stop()
        gateway.stop()
        routes.journal?.lifecycle(.stop)
        logger.notice("gateway stopped")
    }

    /// Descriptors set aside below `FD_SETSIZE` for device connections (more are taken from
    /// the lowest free numbers while there are any).
    static let deviceDescriptorReserve = 64

    /// The local API and push client for a reloaded site: the running ones when their settings
    /// are unchanged, else new ones, bound before the running ones stop, unless they take the
    /// same address: then the running ones stop first and, should the new ones fail to bind,
    /// serve again (`running` is what serves after a failure).
    private static func services(
        for settings: HTTPServices.Settings, replacing running: inout HTTPServices?, controller: GatewayController,
        operations: LocalAPIOperations, logger: Logger
    ) throws -> HTTPServices? {
        let before = running?.settings ?? HTTPServices.Settings(http: nil, push: nil, sources: [])
        guard before != settings else { return running }
        let address = { (settings: HTTPServices.Settings) in settings.http.map { "\($0.host):\($0.port)" } }
        let sameAddress = address(before) != nil && address(before) == address(settings)
        if sameAddress { running?.stop() }
        do {
            return try HTTPServices(settings, controller: controller, logger: logger, operations: operations)
        } catch {
            if sameAddress {
                do {
                    running = try HTTPServices(before, controller: controller, logger: logger, operations: operations)
                } catch {
                    running = nil
                    logger.critical("cannot serve the local API again", metadata: ["error": "\(error)"])
                }
            }
            throw error
        }
    }
}
