import ArgumentParser
import Foundation
import Modbus
import SiteConfig

/// How to reach a device: the endpoint argument, unit id, serial settings and timeout.
struct ConnectionOptions: ParsableArguments {
    @Argument(
        help:
            "HOST[:PORT] (port 502 by default) or a serial device path such as /dev/ttyUSB0 (any path that exists or starts with /, ./ or ../)."
    )
    var endpoint: String

    /// Optional so that `inspect` can tell "not given" from 1 and use the map's unit instead.
    @Option(
        name: [.customShort("u"), .customLong("unit")],
        help: ArgumentHelp(
            "Unit id (slave address), 0…255 (1…247 on a serial line); 1 unless given (inspect: the map's unit).",
            valueName: "unit"))
    var unitOption: UInt8?

    /// The unit id to talk to: the one given, or 1.
    var unit: UInt8 { unitOption ?? 1 }

    @Option(help: "Response timeout, e.g. 500ms, 2s.", transform: Interval.parse)
    var timeout: Duration = .seconds(1)

    @Option(help: "Serial baud rate (RTU).")
    var baud: Int = 19200

    @Option(help: "Serial parity (RTU): none, even or odd.", transform: ConnectionOptions.parity)
    var parity: SerialLine.Parity = .even

    @Option(help: "Serial data bits (RTU).")
    var dataBits: Int = 8

    @Option(help: "Serial stop bits (RTU).")
    var stopBits: Int = 1

    func makeClient() throws -> ModbusClient {
        let settings = SerialLine.Settings(baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits)
        do {
            // A device name that exists here (`ttyGW`, a socat link) is a serial line, not a host.
            let endpoint =
                FileManager.default.fileExists(atPath: self.endpoint)
                ? .rtu(SerialLine(device: self.endpoint, settings: settings))
                : try Endpoint.parse(self.endpoint, serial: settings)
            return try ModbusClient(endpoint: endpoint, timeouts: .init(response: timeout, byte: timeout))
        } catch {
            if case .invalidArgument = error.kind { throw ValidationError(error.description) }
            throw error
        }
    }

    static func parity(_ text: String) throws -> SerialLine.Parity {
        switch text.lowercased() {
        case "n", "none": .none
        case "e", "even": .even
        case "o", "odd": .odd
        default: throw ValidationError("parity \"\(text)\" is not none, even or odd")
        }
    }
}

/// Parses intervals such as `500ms`, `2 s`, `1.5` (seconds) with the site files' quantity rules.
enum Interval {
    static func parse(_ text: String) throws -> Duration {
        let seconds: Double
        if let number = Double(text.trimmingCharacters(in: .whitespaces)) {
            seconds = number
        } else if let value = try? Quantity.parse(text, as: .duration) {
            seconds = value
        } else {
            seconds = -1
        }
        guard seconds > 0, seconds.isFinite else {
            throw ValidationError("interval \"\(text)\" is not a positive duration such as 500ms or 2s")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
