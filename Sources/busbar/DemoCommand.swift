import ArgumentParser
import Foundation
import Gateway
import GatewayServices
import Logging
import Modbus
import Simulation
import SiteConfig
import Upstreams
import Vocabulary

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo site with every device simulated in this process, and the gateway in front of it.",
        discussion: """
            Starts sites/demo.yaml (the one shipped with busbar, found from the executable's \
            location, whatever the current directory): two batteries of different vendors, two \
            chargepoints, a grid meter and a PV inverter, all simulated on loopback ports the system picks, \
            and the gateway's native profile on 127.0.0.1:1502, OpenEMS profile on 127.0.0.1:1503 \
            and the local JSON API on 127.0.0.1:8080 (with --push-url, it also pushes to a cloud \
            EMS and takes its control modes). Prints where each simulated device listens, the \
            commands to try and a live status. SIGINT or SIGTERM stop it.
            """
    )

    @Option(help: "The site file to run (every device is simulated); default: the shipped sites/demo.yaml.")
    var site: String?

    @Option(help: "Port of the native profile on 127.0.0.1.")
    var port = 1502

    @Option(help: "Port of the OpenEMS profile on 127.0.0.1.")
    var openemsPort = 1503

    @Option(help: "Port of the local JSON API on 127.0.0.1 (0 = none).")
    var httpPort = 8080

    @Option(
        name: .customLong("push-url"),
        help: "Push the site's data to this cloud EMS URL (its API key included) and take its control modes.")
    var pushURL: String?

    @Option(help: "Time between pushes, e.g. 15s.", transform: Interval.parse)
    var pushInterval: Duration = .seconds(15)

    @Option(help: "Seconds between status prints (0 = none).")
    var statusInterval = 5

    @Option(help: "Keep the audit journal (SQLite) in FILE.")
    var journal: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        LowDescriptors.prepare(reserving: RunCommand.deviceDescriptorReserve)
        let signals = await TrappedSignals.trap(reloading: false)
        let logger = logging.bootstrap()
        let site = try sitePath()
        let loaded = try SiteFile.load(site)
        let simulation: SiteSimulation
        do {
            simulation = try SiteSimulation(site: loaded, options: .init(ports: .ephemeral))
            try simulation.start()
        } catch {
            CommandFailure.printError("cannot simulate \(site): \(error)")
            throw ExitCode.failure
        }
        simulation.startClock()
        defer { simulation.stop() }
        let routes = try OperatorRoutes.open(journal: journal, logger: logger)
        var options = SiteServices.Options()
        options.listen = [.native: ("127.0.0.1", port), .openems: ("127.0.0.1", openemsPort)]
        options.api = APIServices.Settings(
            http: httpPort > 0 ? HTTPConfig(host: "127.0.0.1", port: httpPort) : nil,
            push: pushURL.map { PushConfig(url: $0, interval: pushInterval) }, mqtt: loaded.site.mqtt,
            sources: loaded.site.sources)
        let text = devices(simulation, site: loaded) + "\n\n" + tryThis(NativeRegisterMap(site: loaded), site: site)
        let interval = Duration.seconds(statusInterval)
        options.extra = { gateway, started in
            [
                PeriodicPrinter(after: started, introduction: text, interval: interval) {
                    "\n-- \(ISO8601DateFormatter().string(from: Date()))\n"
                        + DemoStatus.render(gateway.controller.snapshot)
                }
            ]
        }
        try await SiteServices.runOrExit(
            site: simulation.site(pointingAt: loaded), options: options, routes: routes, signals: signals,
            logger: logger)
        print("demo stopped")
    }

    /// `--site`, else the shipped demo site.
    private func sitePath() throws -> String {
        if let site { return site }
        guard let shipped = ShippedSites.path(of: "demo.yaml") else {
            let places = ShippedSites.candidates.map(\.path).joined(separator: ", ")
            CommandFailure.printError("cannot find the shipped demo.yaml (looked in \(places)); give --site FILE")
            throw ExitCode.failure
        }
        return shipped
    }

    /// Where each simulated device listens, and how to read one with `busbar inspect`.
    private func devices(_ simulation: SiteSimulation, site loaded: LoadedSite) -> String {
        let configs = Dictionary(loaded.site.devices.map { ($0.id, $0) }) { first, _ in first }
        let served = simulation.served.compactMap { device in configs[device.id].map { (device, $0) } }
        let rows = served.map { device, config in
            [
                device.id, device.kind.rawValue, "\(device.host):\(device.port)", "\(config.unit)",
                ShippedSites.display(config.mapPath),
            ]
        }
        var lines = ["Simulated devices:"]
        lines += TextTable.lines(titles: ["device", "kind", "endpoint", "unit", "map"], rows: rows).map { "  " + $0 }
        // A device whose points all live on its own unit reads completely with one --unit.
        if let (device, config) = served.first(where: { $0.1.unit == $0.0.units.first && $0.0.units.count == 1 }) {
            lines.append(
                "  busbar inspect \(device.host):\(device.port) --map \(ShippedSites.display(config.mapPath)) --unit \(config.unit)"
                    + "   # every point of \(device.id)")
        }
        return lines.joined(separator: "\n")
    }

    /// The first commands to try, with addresses from the native table itself.
    private func tryThis(_ map: NativeRegisterMap, site: String) -> String {
        let endpoint = "127.0.0.1:\(port)"
        let mode = map.register(named: "site.ess.mode")?.address ?? 0
        let status = map.register(named: "site.ess.activeMode")?.address ?? 0
        let soc = map.register(named: "site.ess.soc")?.address ?? 0
        let commands = [
            ("busbar read \(endpoint) \(soc) --type float32", "cluster SoC"),
            ("busbar write \(endpoint) \(mode) uint16:1", "NO_DISCHARGE"),
            ("busbar write \(endpoint) \(mode) uint16:2 int32:2000 uint32:300", "LIMIT_CHARGE 2 kW for 5 min"),
            ("busbar write \(endpoint) \(mode) uint16:7 int32:-5000 uint32:0", "SET_POWER -5 kW (charge)"),
            ("busbar read \(endpoint) \(status) --count 3", "active mode, power, time left"),
            ("busbar map \(ShippedSites.display(site)) --format md", "the whole register map"),
            ("curl -s 127.0.0.1:\(httpPort)/api/current-data", "the same as JSON"),
        ]
        let width = commands.map(\.0.count).max() ?? 0
        let lines = commands.map { command, comment in
            "  " + command.padding(toLength: width, withPad: " ", startingAt: 0) + "  # " + comment
        }
        return """
            busbar demo: native profile on \(endpoint) (unit 1), OpenEMS profile on 127.0.0.1:\(openemsPort)

            Try this (the mode register is followed by power, int32 W, and duration, uint32 s):
            \(lines.joined(separator: "\n"))
              curl -s -X POST 127.0.0.1:\(httpPort)/api/control-modes -d '{"activateControlModes": {"ess": {"mode": "LIMIT_CHARGE", "maxChargePower": 1000}}}'
            A command from the master lasts while it writes again within 60 s (the watchdog).
            """
    }
}
