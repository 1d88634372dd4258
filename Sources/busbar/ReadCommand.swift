import ArgumentParser
import Foundation
import Modbus

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read registers or bits and show raw words and decoded values.",
        discussion: """
            Examples:
              busbar read 192.168.1.20 1210 --type float32 --unit 200
              busbar read 10.0.0.5:502 843 --unit 100 --scale 0.1
              busbar read 10.0.0.5 30775 --type int32 --unit 3 --watch 1s
              busbar read /dev/ttyUSB0 5 --input --count 3 --baud 19200 --parity even
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "First address (0-based PDU address unless --one-based).")
    var address: Int

    @OptionGroup var register: RegisterOptions

    @Option(
        name: [.short, .long], help: "How many values (registers for a string; bits for coils and discrete inputs).")
    var count: Int = 1

    @Flag(help: "Which table to read (holding registers by default).")
    var table: TableFlag?

    @Option(
        help: "Repeat every INTERVAL (e.g. 1s, 500ms) and mark changed values, until interrupted.",
        transform: Interval.parse)
    var watch: Duration?

    @Option(help: "Output format: table, json or csv.")
    var format: ReadingFormatter.Format = .table

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let (start, modiconTable) = try register.resolve(address)
        let table = modiconTable ?? self.table?.table ?? .holding
        if let flagged = self.table?.table, let modiconTable, flagged != modiconTable {
            throw ValidationError("reference \(address) is a \(modiconTable), but --\(flagged.rawValue) was given")
        }
        let codec: RegisterCodec? =
            table.isBits ? nil : try register.codec(stringRegisters: count)
        let words =
            codec.map { codec in
                if case .string = codec.valueType { return codec.valueType.registerCount }
                return codec.valueType.registerCount * count
            } ?? count
        guard start + words <= ModbusLimits.addressSpace else {
            throw ValidationError("\(words) registers from address \(start) run past 65535")
        }
        let client = try connection.makeClient()
        try connection.requireDeviceUnits([connection.unit], on: client.endpoint)
        let formatter = ReadingFormatter(
            format: format,
            header: [
                "endpoint": client.endpoint.description, "unit": "\(connection.unit)", "table": table.rawValue,
                "type": codec?.valueType.name ?? "bit",
            ])
        var previous: [Reading] = []
        repeat {
            do {
                var readings = try read(client, table: table, start: start, words: words, codec: codec)
                if watch != nil {
                    for index in readings.indices where index < previous.count {
                        readings[index].changed = previous[index].raw != readings[index].raw
                    }
                }
                // Unbuffered, so that each round of --watch reaches a file or pipe as it happens.
                FileHandle.standardOutput.write(
                    Data((formatter.render(readings, time: watch == nil ? nil : Date()) + "\n").utf8))
                previous = readings
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

    private func read(
        _ client: ModbusClient, table: RegisterTable, start: Int, words: Int, codec: RegisterCodec?
    ) throws -> [Reading] {
        let raw = try client.read(table, unit: connection.unit, address: start, count: words)
        guard let codec else {
            return raw.enumerated().map {
                Reading(address: start + $0.offset, raw: [$0.element], value: .bool($0.element != 0))
            }
        }
        let size = codec.valueType.registerCount
        return try stride(from: 0, to: raw.count, by: size).map { offset in
            let slice = Array(raw[offset..<offset + size])
            let value: RegisterValue =
                codec.scale == 1 && codec.offset == 0
                ? try codec.decode(slice) : .float(try codec.engineeringValue(slice))
            return Reading(address: start + offset, raw: slice, value: value)
        }
    }
}

/// `--input`, `--coil`, `--discrete` (holding registers without a flag).
enum TableFlag: String, EnumerableFlag {
    case input, coil, discrete

    var table: RegisterTable {
        switch self {
        case .input: .input
        case .coil: .coil
        case .discrete: .discrete
        }
    }
}

extension ReadingFormatter.Format: ExpressibleByArgument {}
