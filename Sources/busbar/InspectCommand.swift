import ArgumentParser
import Foundation
import Modbus
import SiteConfig

/// `busbar inspect ENDPOINT --map MAP`: every point of a device map, read from a live device.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read every point of a device map from a live device and show values with units and raw words.",
        discussion: """
            Reads with the map's planned block reads (as `busbar check --plan` lists them); when \
            the device refuses a block, its points are read one by one. A point that cannot be \
            read is listed with the reason; "n/a" marks a "not implemented" value. The unit id \
            is the map's unless --unit is given.
            Exit status: 0 when anything was read, 1 when the device answered every read with \
            a Modbus exception, 2 no answer, 64 bad arguments or an invalid map.
            Examples:
              busbar inspect 192.168.1.30 --map sites/devices/alfen-ng9xx.yaml
              busbar inspect 192.168.1.40 --map sites/devices/webasto-next.yaml --watch 2s
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The device map (sites/devices/*.yaml).")
    var map: String

    @Option(
        help: "Repeat every INTERVAL (e.g. 1s, 500ms) and mark changed values, until interrupted.",
        transform: Interval.parse)
    var watch: Duration?

    @Option(help: "Output format: table or json (one object per cycle).")
    var format: InspectFormatter.Format = .table

    func run() throws {
        let map = try loadMap()
        let unit = connection.unitOption ?? UInt8(map.unit)
        let plan = ReadPlanner.plan(map: map)
        let client = try connection.makeClient()
        try connection.requireDeviceUnits(
            [unit], on: client.endpoint, source: connection.unitOption == nil ? "the map's unit" : "--unit")
        let formatter = InspectFormatter(
            format: format, device: map.name, endpoint: client.endpoint.description, unit: unit)
        var previous: InspectCycle?
        repeat {
            do {
                var cycle = try InspectCycle.read(map, plan: plan, unit: unit, client: client)
                if let previous { cycle.markChanges(since: previous) }
                // Unbuffered, so that each cycle of --watch reaches a pipe as it happens.
                FileHandle.standardOutput.write(
                    Data((formatter.render(cycle, time: watch == nil ? nil : Date()) + "\n").utf8))
                previous = cycle
                if watch == nil, let status = cycle.failureStatus { throw ExitCode(status) }
            } catch let error as ModbusError {
                let code = CommandFailure.report(error)
                if watch == nil { throw code }
            }
            if let watch {
                Thread.sleep(
                    forTimeInterval: Double(watch.components.seconds) + Double(watch.components.attoseconds) / 1e18)
            }
        } while watch != nil
    }

    /// The map, or its diagnostics on stderr and status 64: an invalid map is a bad argument.
    private func loadMap() throws -> DeviceMap {
        switch DeviceMapLoader.load(path: map) {
        case .success(let loaded):
            return loaded
        case .failure(let problems):
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            let errors = problems.errors.count
            CommandFailure.printError("\(map) is not a valid device map (\(errors) error\(errors == 1 ? "" : "s"))")
            throw ExitCode.validationFailure
        }
    }
}

extension InspectFormatter.Format: ExpressibleByArgument {}
