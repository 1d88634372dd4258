import Foundation
import Glibc
import Modbus
import Testing

/// libmodbus waits on its sockets with `select()`, which aborts the process on a descriptor of
/// 1024 or more: a client's connection is moved below that before libmodbus sees it, and fails
/// with an error when no number below it is free.
@Suite(.serialized)
struct LowDescriptorTests {
    let bank = RegisterBank(ranges: [.holding: [0..<10]])

    /// Descriptors on `/dev/null` that take every free number up to `first`, so the next socket
    /// is numbered `first` or more; closed when freed.
    final class TakenDescriptors {
        private(set) var descriptors: [Int32] = []

        init(upTo first: Int32) throws {
            while true {
                let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
                descriptors.append(descriptor)
                if descriptor >= first { break }
            }
        }

        deinit {
            for descriptor in descriptors { close(descriptor) }
        }
    }

    @Test func aClientConnectingWhenEveryNumberBelowFDSetSizeIsTakenReadsFromASpare() throws {
        LowDescriptors.prepare(reserving: 2)
        let spares = LowDescriptors.spareCount
        #expect(spares >= 2)
        bank.set(.holding, address: 0, to: [0x1234, 0x5678])
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        let taken = try TakenDescriptors(upTo: 1100)
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port))
        #expect(try client.read(.holding, unit: 1, address: 0, count: 2) == [0x1234, 0x5678])
        #expect(LowDescriptors.spareCount == spares - 1)
        // A dropped connection gives its spare back, and the next one takes it again.
        client.close()
        #expect(LowDescriptors.spareCount == spares)
        #expect(try client.read(.holding, unit: 1, address: 1, count: 1) == [0x5678])
        client.close()
        withExtendedLifetime(taken) {}
    }

    @Test func aClientFindingNoFreeNumberBelowFDSetSizeFailsWithAnError() throws {
        LowDescriptors.prepare(reserving: 1)
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        let taken = try TakenDescriptors(upTo: 1100)
        let holders = try (0..<LowDescriptors.spareCount).map { _ in
            let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port))
            try client.connect()
            return client
        }
        #expect(LowDescriptors.spareCount == 0)
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port))
        let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 0, count: 1) }
        #expect(error?.kind == .system(errno: EMFILE, message: "no descriptor below 1024 is free for libmodbus"))
        #expect(error?.operation == "connect to 127.0.0.1:\(server.port)")
        for holder in holders { holder.close() }
        #expect(LowDescriptors.spareCount == holders.count)
        withExtendedLifetime(taken) {}
    }
}
