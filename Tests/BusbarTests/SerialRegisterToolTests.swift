import Modbus
import TestSupport
import Testing

/// `busbar read`, `write` and `scan` on a serial line (one end of a socat pseudo-terminal pair):
/// unit ids that address no device there are bad arguments, said in one line, not a libmodbus
/// abort or a request to another unit.
@Suite(.serialized)
struct SerialRegisterToolTests {
    @Test(arguments: [
        (["read", "5", "--unit", "255"], "--unit 255 is not a device address"),
        (["write", "5", "1", "--unit", "248"], "--unit 248 is not a device address"),
        (["read", "5", "--unit", "0"], "--unit 0 is not a device address"),
        (["scan", "--units", "0,240-255"], "--units 0, 248-255 are not device addresses"),
    ])
    func unitsOutside1To247AreRefusedInOneLineWithStatus64(arguments: [String], message: String) throws {
        let pair = try PseudoTerminalPair()
        defer { pair.stop() }
        let result = try busbar([arguments[0], pair.first] + arguments.dropFirst())
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput == "busbar: \(message) on \(pair.first); \(SerialLine.deviceUnitsRule)\n")
    }
}
