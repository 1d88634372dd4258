import ArgumentParser
import Foundation
import Modbus

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find which unit ids answer on an endpoint, and what they hold at one address.",
        discussion: """
            A unit that answers with a Modbus exception is there too, and is listed with it. \
            Silent units are not listed, nor units a gateway answers for with 0x0A (gateway path \
            unavailable) or 0x0B (gateway target failed to respond): no device is there.
            Example:
              busbar scan 192.168.1.20 --units 1-10,100,200 --address 1210 --type float32
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(
        help:
            "Unit ids to try: ranges and lists such as 1-247 (the default, and all a serial line has) or 1,3,100-110.",
        transform: ScanCommand.units)
    var units: [UInt8] = Array(1...247)

    @Option(help: "Address to read from each unit.")
    var address: Int = 0

    @OptionGroup var register: RegisterOptions

    @Flag(help: "Which table to read (holding registers by default).")
    var table: TableFlag?

    func run() throws {
        let (start, modiconTable) = try register.resolve(address)
        let table = modiconTable ?? self.table?.table ?? .holding
        let codec = table.isBits ? nil : try register.codec()
        let client = try connection.makeClient()
        try connection.requireDeviceUnits(units, on: client.endpoint, source: "--units")
        var found = 0
        print("unit  answer")
        for unit in units {
            do {
                let raw = try client.read(table, unit: unit, address: start, count: codec?.valueType.registerCount ?? 1)
                let value = try codec.map { try $0.decode(raw).description } ?? (raw[0] != 0 ? "true" : "false")
                print("\(pad(unit))  \(value)  [\(ReadingFormatter.hex(raw))]")
                found += 1
            } catch let error as ModbusError {
                switch error.kind {
                case .exception(let code) where code.isFromGateway:
                    continue
                case .exception(let code):
                    print("\(pad(unit))  exception \(code)")
                    found += 1
                case .connectionRefused:
                    throw CommandFailure.report(error)
                default:
                    continue
                }
            }
        }
        print("\(found) of \(units.count) unit ids answered at \(client.endpoint)")
        if found == 0 { throw CommandFailure.noAnswer }
    }

    private func pad(_ unit: UInt8) -> String {
        let text = "\(unit)"
        return text + String(repeating: " ", count: max(0, 4 - text.count))
    }

    static func units(_ text: String) throws -> [UInt8] {
        var result: [UInt8] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { UInt8($0.trimmingCharacters(in: .whitespaces)) }
            guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil }), bounds.first!! <= bounds.last!! else {
                throw ValidationError("units \"\(text)\" is not a list of ids and ranges such as 1-247 or 1,3,100-110")
            }
            result += Array(bounds.first!!...bounds.last!!)
        }
        return result
    }
}
