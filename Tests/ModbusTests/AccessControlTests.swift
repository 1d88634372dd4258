import Foundation
import Modbus
import TestSupport
import Testing

/// A listener nobody can lock out or command uninvited: networks allowed at accept, read-only
/// clients, the least recently active connection giving way at the limit, and slow frames
/// dropped. Over real sockets; loopback has all of 127.0.0.0/8, so 127.0.0.2 is another client.
@Suite(.serialized)
struct AccessControlTests {
    func server(_ configuration: ModbusTCPServer.Configuration) throws -> (ModbusTCPServer, RegisterBank) {
        let bank = RegisterBank(ranges: [.holding: [0..<10]])
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank, configuration: configuration)
        try server.start()
        return (server, bank)
    }

    let readRegister0 = RawConnection.frame(pdu: [0x03, 0, 0, 0, 1])
    let writeRegister1 = RawConnection.frame(pdu: [0x06, 0, 1, 0, 77])

    @Test func networkRangesParseAndMatch() throws {
        let lan = try #require(NetworkRange("192.168.1.0/24"))
        #expect(lan.contains([192, 168, 1, 200]) && !lan.contains([192, 168, 2, 1]))
        #expect(try #require(NetworkRange("10.0.0.5")).description == "10.0.0.5")
        let v6 = try #require(NetworkRange("fd00::/8"))
        #expect(v6.contains([0xFD] + Array(repeating: 0, count: 15)) && !v6.contains([192, 168, 1, 1]))
        // An IPv4-mapped IPv6 peer counts as IPv4.
        #expect(lan.contains([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 168, 1, 7]))
        #expect(NetworkRange("192.168.1.0/33") == nil && NetworkRange("nonsense") == nil)
    }

    @Test func aClientOutsideTheAllowedNetworksIsClosedAtAcceptAndNeverReachesTheHandler() throws {
        let (server, bank) = try server(.init(access: AccessPolicy(allow: [NetworkRange("127.0.0.1/32")!])))
        defer { server.stop() }
        let outsider = try RawConnection(port: server.port, from: "127.0.0.2")
        outsider.send(writeRegister1)
        #expect(outsider.receive() == nil)
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
        #expect(server.statistics.refusedConnections == 1)
        let insider = try RawConnection(port: server.port)
        insider.send(readRegister0)
        #expect(insider.receive()?.count == 11)
    }

    @Test func aReadOnlyClientsWriteGetsIllegalFunctionAndChangesNothing() throws {
        let clients = [(NetworkRange("127.0.0.2")!, AccessPolicy.Role.write)]
        let (server, bank) = try server(.init(access: AccessPolicy(clients: clients, defaultRole: .read)))
        defer { server.stop() }
        let reader = try RawConnection(port: server.port)
        reader.send(writeRegister1)
        #expect(reader.receive().map { Array($0.suffix(2)) } == [0x86, 0x01])
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
        reader.send(readRegister0)
        #expect(reader.receive()?.count == 11)
        #expect(server.statistics.refusedWrites == 1)
        // The client with the write role writes.
        let writer = try RawConnection(port: server.port, from: "127.0.0.2")
        writer.send(writeRegister1)
        #expect(writer.receive()?.count == 12)
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 77)
    }

    @Test func aWriteOutsideTheWritableRegistersGetsIllegalDataAddressAndChangesNothing() throws {
        let (server, bank) = try server(.init(access: AccessPolicy(writable: [0..<2, 8..<10])))
        defer { server.stop() }
        let master = try RawConnection(port: server.port)
        master.send(writeRegister1)
        #expect(master.receive()?.count == 12)
        master.send(RawConnection.frame(pdu: [0x06, 0, 5, 0, 9]))
        #expect(master.receive().map { Array($0.suffix(2)) } == [0x86, 0x02])
        // A multi-register write that leaves the writable registers is refused whole.
        master.send(RawConnection.frame(pdu: [0x10, 0, 1, 0, 2, 4, 0, 1, 0, 2]))
        #expect(master.receive().map { Array($0.suffix(2)) } == [0x90, 0x02])
        #expect(bank.get(.holding, address: 1, count: 5) == [77, 0, 0, 0, 0])
        // Reads are not limited.
        master.send(RawConnection.frame(pdu: [0x03, 0, 5, 0, 1]))
        #expect(master.receive()?.count == 11)
        #expect(server.statistics.refusedWrites == 2)
    }

    @Test func squattersGiveWayToANewMasterAtTheLimit() throws {
        let (server, _) = try server(.init(maxConnections: 4))
        defer { server.stop() }
        let squatters = try (0..<12).map { _ in try RawConnection(port: server.port) }
        let master = try RawConnection(port: server.port)
        master.send(readRegister0)
        #expect(master.receive()?.count == 11)
        #expect(server.statistics.evictedConnections >= 9)
        #expect(server.statistics.openConnections <= 4)
        // The squatters that gave way find their connection closed.
        #expect(squatters.prefix(8).allSatisfy { $0.receive(timeout: .milliseconds(200)) == nil })
    }

    @Test func aMasterThatSendsOneByteAtATimeIsClosedByTheFrameTimeout() throws {
        let (server, _) = try server(.init(byteTimeout: .seconds(1), frameTimeout: .milliseconds(800)))
        defer { server.stop() }
        let slow = try RawConnection(port: server.port)
        // Every byte inside the byte timeout, the frame not inside the frame timeout.
        var closed = false
        for byte in readRegister0 {
            slow.send([byte])
            if slow.receive(timeout: .milliseconds(300)) == nil {
                closed = true
                break
            }
        }
        #expect(closed)
    }

    @Test func pymodbusFromAnotherAddressIsRefusedAndFromAnAllowedOneReadsButCannotWrite() throws {
        let policy = AccessPolicy(allow: [NetworkRange("127.0.0.1")!], defaultRole: .read)
        let (server, bank) = try server(.init(access: policy))
        defer { server.stop() }
        let allowed = try runCommand(
            Paths.python, [Paths.script("pymodbus_access.py"), "\(server.port)", "127.0.0.1"])
        let answer = try JSONSerialization.jsonObject(with: Data(allowed.output.utf8)) as? [String: Any]
        #expect(answer?["read"] as? Int == 0)
        #expect(answer?["write_exception"] as? Int == 1)
        let refused = try runCommand(
            Paths.python, [Paths.script("pymodbus_access.py"), "\(server.port)", "127.0.0.2"])
        let other = try JSONSerialization.jsonObject(with: Data(refused.output.utf8)) as? [String: Any]
        #expect(other?["read"] == nil || other?["read"] is NSNull)
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
        #expect(server.statistics.refusedConnections >= 1)
    }
}
