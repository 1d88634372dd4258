import Foundation
import Modbus
import TestSupport
import Testing

/// busbar's Modbus layer against independent implementations: pymodbus 3.16 (server, RTU server
/// over a socat pseudo-terminal pair, and client) and mbpoll.
@Suite(.serialized)
struct InteropTests {
    @Test func readsEveryTypeAPymodbusServerHolds() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        let float = RegisterCodec(valueType: .float32)
        #expect(try float.decode(client.read(.holding, unit: 200, address: 1210, count: 2)) == .float(21.25))
        #expect(try float.decode(client.read(.holding, unit: 1, address: 1210, count: 2)) == .float(16.5))
        #expect(
            try RegisterCodec(valueType: .int32).decode(client.read(.holding, unit: 1, address: 1300, count: 2))
                == .int(-123456))
        #expect(
            try RegisterCodec(valueType: .uint64).decode(client.read(.input, unit: 1, address: 1310, count: 4))
                == .uint(12_345_678_901_234))
        #expect(
            try RegisterCodec(valueType: .string(registers: 5)).decode(
                client.read(.holding, unit: 1, address: 1201, count: 5))
                == .string("C2"))
        let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 5000, count: 1) }
        #expect(error?.exceptionCode == .illegalDataAddress)
    }

    @Test func writesAPymodbusServerAcceptsAndReadsBack() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        let words = try RegisterCodec(valueType: .float32, order: .cdab).encode(.float(-7.5))
        try client.writeMultipleRegisters(unit: 1, address: 1400, values: words)
        try client.writeSingleRegister(unit: 1, address: 1402, value: 99)
        try client.writeMultipleCoils(unit: 1, address: 2, values: [true, false, true])
        #expect(try client.read(.holding, unit: 1, address: 1400, count: 3) == words + [99])
        #expect(try client.readBits(.coil, unit: 1, address: 2, count: 3) == [true, false, true])
    }

    @Test func rtuClientReadsAPymodbusRTUServerOverASerialLine() throws {
        let pair = try PseudoTerminalPair(first: "master", second: "slave")
        defer { pair.stop() }
        let (server, _) = try pymodbusServer(rtu: pair.second)
        defer { server.stop() }
        let line = SerialLine(device: pair.first, settings: .init(baud: 19200, parity: .none))
        let client = try ModbusClient(endpoint: .rtu(line), timeouts: .init(response: .seconds(1)))
        #expect(
            try RegisterCodec(valueType: .float32).decode(client.read(.holding, unit: 200, address: 1210, count: 2))
                == .float(21.25))
        try client.writeSingleRegister(unit: 1, address: 1401, value: 0xABCD)
        #expect(try client.read(.holding, unit: 1, address: 1401, count: 1) == [0xABCD])
        let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 5000, count: 1) }
        #expect(error?.exceptionCode == .illegalDataAddress)
    }

    /// A bank as the pymodbus client script and mbpoll expect it.
    func servedBank() -> RegisterBank {
        let bank = RegisterBank(ranges: [.holding: [0..<100], .coil: [0..<16]])
        bank.set(.holding, address: 10, to: [0x4180, 0x0000])  // 16.0
        return bank
    }

    @Test func pymodbusClientTalksToOurServer() throws {
        let bank = servedBank()
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        let result = try runCommand(Paths.python, [Paths.script("pymodbus_client.py"), "\(server.port)"])
        try #require(result.status == 0, "pymodbus client failed: \(result.errorOutput)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["float"] as? Double == 16.0)
        #expect(json["write_int32"] as? Bool == true)
        #expect(bank.get(.holding, address: 20, count: 2) == [0xFFFE, 0x1DC0])
        #expect(bank.get(.holding, address: 30, count: 1) == [4242])
        #expect(json["coils"] as? [Bool] == [false, false, false, true, false, false, false, false])
        #expect(json["undefined_exception"] as? Int == 2)
    }

    @Test func mbpollReadsAndWritesOurServer() throws {
        let bank = servedBank()
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        let common = ["-m", "tcp", "-p", "\(server.port)", "-a", "1", "-1", "-0"]
        let read = try runCommand("/usr/bin/mbpoll", common + ["-r", "10", "-t", "4:float", "-B", "127.0.0.1"])
        #expect(read.status == 0)
        #expect(read.output.contains("[10]: \t16"))
        let write = try runCommand("/usr/bin/mbpoll", common + ["-r", "40", "-t", "4", "127.0.0.1", "1234", "5678"])
        #expect(write.status == 0, "\(write.output) \(write.errorOutput)")
        #expect(bank.get(.holding, address: 40, count: 2) == [1234, 5678])
        let undefined = try runCommand("/usr/bin/mbpoll", common + ["-r", "500", "127.0.0.1"])
        #expect(
            undefined.output.contains("Illegal data address") || undefined.errorOutput.contains("Illegal data address"))
    }
}
