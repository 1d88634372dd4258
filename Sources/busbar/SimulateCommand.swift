import ArgumentParser
import Foundation
import GatewayServices
import Logging
import Modbus
import ServiceLifecycle
import Simulation
import SiteConfig

/// `busbar simulate SITE` or `busbar simulate --map MAP --port P [--unit U]`: serves simulated
/// devices from their device maps until SIGINT or SIGTERM.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve the simulated devices of a site (or one device map) as Modbus/TCP slaves.",
        discussion: """
            With a site file, every device with simulate: true is served on its uri's port, \
            several unit ids behind one port where devices share a uri. With --map, one device \
            is served on --port and --unit. Batteries integrate SoC and follow their control \
            registers with a lag, cars charge at what the chargepoint allows, PV inverters \
            produce the site's PV, the grid meter reports the site balance, and devices fall \
            back as the product does when nobody refreshes them. \
            Prints what it serves, then a line per device every --every seconds; stops on \
            SIGINT or SIGTERM. A site that fails `busbar check` is refused (exit 1).
            """
    )

    @Argument(help: "A site file; omit it with --map.")
    var site: String?

    @Option(help: "Serve one device from this device map instead of a site.")
    var map: String?

    @Option(help: "The port of the device served with --map.")
    var port: Int?

    @Option(help: "The unit id of the device served with --map (default: the map's).")
    var unit: Int?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Seconds between live lines (0: none).")
    var every = 5

    func validate() throws {
        switch (site, map) {
        case (nil, nil): throw ValidationError("give a site file, or --map MAP --port P")
        case (.some, .some): throw ValidationError("give a site file or --map, not both")
        case (nil, .some): if port == nil { throw ValidationError("--map needs --port") }
        case (.some, nil): if port != nil || unit != nil { throw ValidationError("--port and --unit go with --map") }
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port: found \(port), expected 0 to 65535") }
        if let unit, !(0...255).contains(unit) { throw ValidationError("--unit: found \(unit), expected 0 to 255") }
    }

    func run() async throws {
        let signals = await TrappedSignals.trap(reloading: false)
        let loaded = try load()
        let simulation: SiteSimulation
        do {
            simulation = try SiteSimulation(site: loaded, options: .init(host: host))
            try simulation.start()
        } catch {
            CommandFailure.printError("\(error)")
            throw ExitCode(1)
        }
        for device in simulation.served {
            let units = device.units.map(String.init).joined(separator: ", ")
            emit("serving \(device.id) (\(device.name), \(device.kind)) on \(device.host):\(device.port) unit \(units)")
        }
        emit("ready: \(simulation.served.count) device\(simulation.served.count == 1 ? "" : "s"); stop with Ctrl-C")
        simulation.startClock()
        let report = PeriodicPrinter(interval: .seconds(every)) {
            let balance = simulation.balance
            var lines = [
                "t+\(Int(simulation.elapsed.components.seconds)) s: load \(Int(balance.load)) W, pv \(Int(balance.pv)) W, grid \(Int(balance.grid)) W"
            ]
            lines += simulation.readings.map { "  \($0.line)" }
            return lines.joined(separator: "\n")
        }
        try await signals.run(ServiceGroup(services: [report], logger: Logger(label: "busbar")))
        simulation.stop()
        emit("stopped")
    }

    /// The site, or a one-device site around `--map`; diagnostics and exit 1 when it fails check.
    private func load() throws -> LoadedSite {
        if let site {
            switch SiteLoader.load(path: site) {
            case .success(let loaded): return loaded
            case .failure(let diagnostics): throw refuse(diagnostics.diagnostics)
            }
        }
        let path = map!
        switch DeviceMapLoader.load(path: path) {
        case .failure(let diagnostics):
            throw refuse(diagnostics.diagnostics)
        case .success(let deviceMap):
            let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let device = DeviceConfig(
                id: id, mapPath: path, endpoint: .tcp(host: host, port: port!), unit: unit ?? deviceMap.unit,
                simulate: true
            )
            return LoadedSite(site: Site(name: deviceMap.name, devices: [device]), maps: [path: deviceMap], path: path)
        }
    }

    private func refuse(_ diagnostics: [Diagnostic]) -> ExitCode {
        for diagnostic in diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        CommandFailure.printError("refusing to simulate a file that fails check")
        return ExitCode(1)
    }

    /// Writes a line to stdout at once (a pipe would hold `print`'s output back).
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
