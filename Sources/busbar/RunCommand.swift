import ArgumentParser
import Foundation
import Gateway
import GatewayServices
import Logging
import Modbus
import SiteConfig

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway for a site: poll the devices, serve the masters, carry out their commands.",
        discussion: """
            SIGTERM or SIGINT stop it cleanly, in reverse order of starting: the reload, the \
            local API, push and MQTT, the upstream listeners, the control loop, and last every \
            device is handed back (its map's release recipe). SIGHUP reloads the site file in \
            place, keeping the commands in force and the connections of unchanged device \
            endpoints and listeners; an invalid file, or one whose listeners or local API \
            address cannot be bound, is rejected and the running configuration continues. A \
            SIGTERM or SIGINT during a reload stops the gateway without waiting for the new \
            file to load.
            """
    )

    @Argument(help: "The site file.")
    var site: String

    @Option(help: "Serve the native profile on HOST:PORT instead of the site file's listen address.")
    var listen: String?

    @Option(help: "Keep the audit journal (SQLite) in FILE, e.g. /var/lib/busbar/journal.sqlite.")
    var journal: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        // Before anything opens a socket: the lowest descriptors are set aside for the devices.
        LowDescriptors.prepare(reserving: Self.deviceDescriptorReserve)
        let signals = await TrappedSignals.trap(reloading: true)
        let logger = logging.bootstrap()
        var options = SiteServices.Options()
        options.listen = try listen.map(ListenAddress.parse).map { [UpstreamConfig.Profile.native: $0] } ?? [:]
        options.reloadFrom = site
        let loaded = try SiteFile.load(site)
        let routes = try OperatorRoutes.open(journal: journal, logger: logger)
        try await SiteServices.runOrExit(
            site: loaded, options: options, routes: routes, signals: signals, logger: logger)
        logger.notice("gateway stopped")
    }

    /// Descriptors set aside below `FD_SETSIZE` for device connections (more are taken from
    /// the lowest free numbers while there are any).
    static let deviceDescriptorReserve = 64
}
