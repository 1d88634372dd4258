import ArgumentParser
import Dispatch
import Foundation
import Gateway
import Logging
import SiteConfig
import Simulation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo site with every device simulated in this process, and the gateway in front of it.",
        discussion: """
            Starts sites/demo.yaml: two batteries of different vendors, two chargepoints, a grid \
            meter and PV, all simulated on loopback ports the system picks, and the gateway's \
            native profile on 127.0.0.1:1502 and OpenEMS profile on 127.0.0.1:1503. Prints a live \
            status and the commands to try. SIGINT or SIGTERM stop it.
            """
    )

    @Option(help: "The site file to run (every device is simulated).")
    var site = "sites/demo.yaml"

    @Option(help: "Port of the native profile on 127.0.0.1.")
    var port = 1502

    @Option(help: "Port of the OpenEMS profile on 127.0.0.1.")
    var openemsPort = 1503

    @Option(help: "Seconds between status prints (0 = none).")
    var statusInterval = 5

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])
        let logger = logging.bootstrap()
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
        let gateway = Gateway(site: simulation.site(pointingAt: loaded), logger: logger)
        do {
            try gateway.start(
                upstreams: gateway.upstreamHandlers(listen: [
                    .native: ("127.0.0.1", port), .openems: ("127.0.0.1", openemsPort),
                ]))
        } catch {
            CommandFailure.printError("\(error)")
            throw ExitCode.failure
        }
        defer { gateway.stop() }
        FileHandle.standardOutput.write(Data((tryThis(NativeRegisterMap(site: loaded)) + "\n").utf8))
        let timer = statusTimer(gateway)
        while signals.next() == SIGHUP {}
        timer?.cancel()
        print("demo stopped")
    }

    private func statusTimer(_ gateway: Gateway) -> (any DispatchSourceTimer)? {
        guard statusInterval > 0 else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 2, repeating: .seconds(statusInterval))
        timer.setEventHandler {
            let text = "\n-- \(ISO8601DateFormatter().string(from: Date()))\n" + DemoStatus.render(gateway.controller.snapshot) + "\n"
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        timer.resume()
        return timer
    }

    /// The first commands to try, with addresses from the native table itself.
    private func tryThis(_ map: NativeRegisterMap) -> String {
        let endpoint = "127.0.0.1:\(port)"
        let mode = map.register(named: "site.ess.mode")?.address ?? 0
        let status = map.register(named: "site.ess.activeMode")?.address ?? 0
        let soc = map.register(named: "site.ess.soc")?.address ?? 0
        return """
            busbar demo: native profile on \(endpoint) (unit 1), OpenEMS profile on 127.0.0.1:\(openemsPort)

            Try this (the mode register is followed by power, int32 W, and duration, uint32 s):
              busbar read \(endpoint) \(soc) --type float32                                   # cluster SoC
              busbar write \(endpoint) \(mode) uint16:1                                       # NO_DISCHARGE
              busbar write \(endpoint) \(mode) uint16:2 int32:2000 uint32:300                 # LIMIT_CHARGE 2 kW for 5 min
              busbar write \(endpoint) \(mode) uint16:7 int32:-5000 uint32:0                  # SET_POWER -5 kW (charge)
              busbar read \(endpoint) \(status) --count 3                                     # active mode, power, time left
              busbar map \(site) --format md                                                  # the whole register map
            A command from the master lasts while it writes again within 60 s (the watchdog).
            """
    }
}
