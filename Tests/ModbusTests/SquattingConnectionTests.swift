import Foundation
import Modbus
import TestSupport
import Testing

/// The server holds idle connections on its event loops, not a thread each, and squatters
/// never keep a master out: at the limit the least recently active connection gives way.
@Suite(.serialized)
struct SquattingConnectionTests {
    let bank = RegisterBank(ranges: [.holding: [0..<10]])

    /// This process's threads now.
    static func threads() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line.flatMap { Int($0.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
    }

    /// Whether ten reads in a row by a new master are answered.
    func newMasterIsServed(port: Int) throws -> Bool {
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        return (0..<10).allSatisfy { _ in (try? client.read(.holding, unit: 1, address: 0, count: 1)) == [42] }
    }

    @Test func aThousandIdleConnectionsAreHeldWithoutAThreadEachAndAMasterIsServed() throws {
        LowDescriptors.prepare(reserving: 2)
        bank.set(.holding, address: 0, to: [42])
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: bank, configuration: .init(maxConnections: 1001))
        try server.start()
        defer { server.stop() }
        let before = Self.threads()
        // In batches within the listen queue, so that no handshake waits for a retransmission.
        var held: [HeldConnections] = []
        for batch in 1...10 {
            held.append(try HeldConnections(count: 100, port: server.port))
            #expect(eventually { server.statistics.openConnections == batch * 100 })
        }
        #expect(Self.threads() - before < 8, "\(Self.threads() - before) threads more")
        #expect(try newMasterIsServed(port: server.port))
        #expect(server.statistics.evictedConnections == 0)
        withExtendedLifetime(held) {}
    }

    @Test func aThousandSquattersAtTheDefaultLimitGiveWayToANewMaster() throws {
        LowDescriptors.prepare(reserving: 2)
        bank.set(.holding, address: 0, to: [42])
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        var held: [HeldConnections] = []
        for batch in 1...10 {
            held.append(try HeldConnections(count: 100, port: server.port))
            #expect(eventually { server.statistics.evictedConnections == batch * 100 - 32 })
        }
        #expect(server.statistics.openConnections <= 32)
        #expect(try newMasterIsServed(port: server.port))
        withExtendedLifetime(held) {}
    }
}
