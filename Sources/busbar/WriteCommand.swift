import ArgumentParser
import Modbus

struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Encode typed values and write them to holding registers or coils.",
        discussion: """
            One register goes out as FC6, more as one FC16 (applied whole by the device), unless \
            --fc6 or --fc16 says otherwise. Coils use FC5 for one value and FC15 for more.
            Examples:
              busbar write 192.168.1.20 1210 16 --type float32 --unit 1
              busbar write 10.0.0.5 2901 20 --unit 100 --scale 0.1
              busbar write 10.0.0.9 400 on --coil --unit 255
              busbar write 127.0.0.1:1502 200 uint16:7 int32:-5000 uint32:0
              busbar write 127.0.0.1:1502 202 -5000 --type int32
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "First address (0-based PDU address unless --one-based).")
    var address: Int

    @Argument(
        parsing: .allUnrecognized,
        help:
            "Values to write, in the --type (numbers, negative ones such as -5000 too, 0x hex raw words, true/false/on/off for coils); TYPE:VALUE gives one value its own type, e.g. uint16:7 int32:-5000."
    )
    var values: [String]

    @OptionGroup var register: RegisterOptions

    @Flag(help: "Write coils instead of holding registers.")
    var coil = false

    @Flag(help: "Force the function code for registers.")
    var function: WriteFunction?

    mutating func validate() throws {
        // The values take what no option claims, so that -5000 needs no `--`; what is left that
        // starts with - and is not a number is a mistyped option.
        values.removeAll { $0 == "--" }
        if let option = values.first(where: { $0.hasPrefix("-") && !Self.isNegativeNumber($0) }) {
            throw ValidationError(
                "unknown option \"\(option)\" (values that start with - are negative numbers such as -5000)")
        }
        guard !values.isEmpty else { throw ValidationError("give at least one value to write") }
    }

    /// `-5000`, `-1.5`, `-.5`, `-1e3`, `-0x10`: a minus sign before a digit or a decimal point.
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), let next = text.dropFirst().first else { return false }
        return next.isNumber || next == "."
    }

    func run() throws {
        let (start, modiconTable) = try register.resolve(address)
        let table = modiconTable ?? (coil ? .coil : .holding)
        guard table.isWritable else {
            throw ValidationError("\(table)s cannot be written; only holding registers and coils")
        }
        let client = try connection.makeClient()
        try connection.requireDeviceUnits([connection.unit], on: client.endpoint)
        do {
            if table == .coil {
                let bits = try values.map(Self.bit)
                if bits.count == 1 {
                    try client.writeSingleCoil(unit: connection.unit, address: start, value: bits[0])
                } else {
                    try client.writeMultipleCoils(unit: connection.unit, address: start, values: bits)
                }
                print(
                    "wrote \(bits.count) coil\(bits.count == 1 ? "" : "s") at \(start) (\(bits.count == 1 ? "FC5" : "FC15"))"
                )
                return
            }
            let words = try encode()
            let useFC6 = function == .fc6 || (function == nil && words.count == 1)
            if useFC6 {
                guard words.count == 1 else {
                    throw CommandFailure.badArgument(
                        "--fc6 writes one register, but the values need \(words.count); FC6 one by one could leave a value half-written"
                    )
                }
                try client.writeSingleRegister(unit: connection.unit, address: start, value: words[0])
            } else {
                try client.writeMultipleRegisters(unit: connection.unit, address: start, values: words)
            }
            print(
                "wrote \(words.count) register\(words.count == 1 ? "" : "s") at \(start) (\(useFC6 ? "FC6" : "FC16")): \(ReadingFormatter.hex(words))"
            )
        } catch let error as ModbusError {
            throw CommandFailure.report(error)
        }
    }

    private func encode() throws -> [UInt16] {
        var words: [UInt16] = []
        for argument in values {
            // TYPE:VALUE gives one value its own type, so one FC16 can carry a mode (uint16) with
            // its power (int32) and duration (uint32).
            var text = argument
            var codec = try register.codec(stringRegisters: max(1, (text.utf8.count + 1) / 2))
            if let colon = argument.firstIndex(of: ":"), let typed = ValueType.parse(String(argument[..<colon])) {
                text = String(argument[argument.index(after: colon)...])
                codec.valueType = typed.type
                codec.order = typed.order ?? codec.order
            }
            do {
                words += try codec.encode(text: text)
            } catch {
                throw CommandFailure.badArgument(error.description)
            }
        }
        return words
    }

    static func bit(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "on", "true": true
        case "0", "off", "false": false
        default: throw ValidationError("coil value \"\(text)\" is not one of 1, 0, on, off, true, false")
        }
    }
}

/// `--fc6` / `--fc16`.
enum WriteFunction: String, EnumerableFlag {
    case fc6, fc16
}
