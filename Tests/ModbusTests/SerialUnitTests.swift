import Modbus
import TestSupport
import Testing

/// Unit ids on a serial line: only 1…247 address a device (0 broadcasts, 248…255 are reserved).
/// libmodbus refuses the others without saying so and keeps the unit set before, or aborts when
/// none was; the client refuses them itself, before anything is sent.
@Suite(.serialized)
struct SerialUnitTests {
    /// Runs `body` with a fresh RTU client on one end of a pseudo-terminal pair and the pymodbus
    /// RTU server (units 1 and 200) on the other.
    func withRTUServer(_ body: (ModbusClient) throws -> Void) throws {
        let pair = try PseudoTerminalPair()
        defer { pair.stop() }
        let (server, _) = try pymodbusServer(rtu: pair.second)
        defer { server.stop() }
        let line = SerialLine(device: pair.first, settings: .init(baud: 19200, parity: .none))
        try body(try ModbusClient(endpoint: .rtu(line), timeouts: .init(response: .seconds(1))))
    }

    @Test func anRTUClientRefusesUnit248WithAnInvalidArgument() throws {
        try withRTUServer { client in
            // Before any unit was addressed, where libmodbus would abort on an assertion.
            let error = #expect(throws: ModbusError.self) {
                try client.read(.holding, unit: 248, address: 1401, count: 1)
            }
            #expect(error?.kind == .invalidArgument("unit 248 is not a device address; \(SerialLine.deviceUnitsRule)"))
            #expect(error?.unit == 248)
            #expect(error?.address == 1401)
        }
    }

    @Test func aWriteToAReservedUnitDoesNotLandInTheUnitAddressedBefore() throws {
        try withRTUServer { client in
            try client.writeSingleRegister(unit: 1, address: 1401, value: 0x1111)
            for unit: UInt8 in [248, 255, 0] {
                let error = #expect(throws: ModbusError.self) {
                    try client.writeSingleRegister(unit: unit, address: 1401, value: 0x2222)
                }
                #expect(
                    error?.kind
                        == .invalidArgument("unit \(unit) is not a device address; \(SerialLine.deviceUnitsRule)"))
            }
            #expect(try client.read(.holding, unit: 1, address: 1401, count: 1) == [0x1111])
        }
    }

    @Test func tcpEndpointsTakeEveryUnitId() {
        #expect(Endpoint.tcp(host: "127.0.0.1", port: 502).deviceUnits == 0...255)
        #expect(Endpoint.rtu(SerialLine(device: "/dev/ttyUSB0")).deviceUnits == 1...247)
    }
}
