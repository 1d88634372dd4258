import Foundation
import Modbus
import Synchronization
import TestSupport
import Testing

/// Our libmodbus client against our server, over real loopback sockets.
@Suite(.serialized)
struct ClientServerTests {
    let bank = RegisterBank(ranges: [
        .holding: [0..<400], .input: [0..<200], .coil: [0..<100], .discrete: [0..<100],
    ])

    func withServer(
        _ handler: (any ModbusRequestHandler)? = nil, _ body: (ModbusTCPServer) throws -> Void
    ) throws {
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: handler ?? bank)
        try server.start()
        defer { server.stop() }
        try body(server)
    }

    func client(_ server: ModbusTCPServer, timeout: Duration = .milliseconds(500)) throws -> ModbusClient {
        try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), timeouts: .init(response: timeout))
    }

    @Test func writesAndReadsHoldingRegistersWithFC6AndFC16() throws {
        try withServer { server in
            let client = try client(server)
            try client.writeSingleRegister(unit: 1, address: 10, value: 0xBEEF)
            try client.writeMultipleRegisters(unit: 1, address: 11, values: [1, 2, 3])
            #expect(try client.read(.holding, unit: 1, address: 10, count: 4) == [0xBEEF, 1, 2, 3])
            #expect(bank.get(.holding, address: 10, count: 4) == [0xBEEF, 1, 2, 3])
        }
    }

    @Test func readsInputRegistersAndDiscreteInputsTheDeviceSet() throws {
        bank.set(.input, address: 5, to: [7, 8, 9])
        bank.set(.discrete, address: 3, to: [1, 0, 1])
        try withServer { server in
            let client = try client(server)
            #expect(try client.read(.input, unit: 1, address: 5, count: 3) == [7, 8, 9])
            #expect(try client.readBits(.discrete, unit: 1, address: 3, count: 3) == [true, false, true])
        }
    }

    @Test func writesCoilsWithFC5AndFC15() throws {
        try withServer { server in
            let client = try client(server)
            try client.writeSingleCoil(unit: 1, address: 0, value: true)
            try client.writeMultipleCoils(
                unit: 1, address: 1, values: [false, true, true, false, true, false, false, false, true])
            let bits = try client.readBits(.coil, unit: 1, address: 0, count: 10)
            #expect(bits == [true, false, true, true, false, true, false, false, false, true])
        }
    }

    @Test func splitsReadsLongerThan125Registers() throws {
        bank.set(.holding, address: 0, to: (0..<400).map { UInt16($0) })
        try withServer { server in
            let client = try client(server)
            #expect(try client.read(.holding, unit: 1, address: 0, count: 400) == (0..<400).map { UInt16($0) })
        }
    }

    @Test func undefinedAddressFailsWithIllegalDataAddressNamingUnitAndAddress() throws {
        try withServer { server in
            let client = try client(server)
            let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 7, address: 500, count: 2) }
            #expect(error?.exceptionCode == .illegalDataAddress)
            #expect(
                error?.description
                    == "read holding registers (FC3) at unit 7 address 500: Modbus exception illegal data address (0x02)"
            )
            // The connection stays usable after an exception.
            #expect(try client.read(.holding, unit: 7, address: 0, count: 1).count == 1)
        }
    }

    @Test func refusedWriteChangesNothing() throws {
        let guarded = RegisterBank(ranges: [.holding: [0..<10]]) { request in
            (request.address..<request.address + request.count).contains(5) ? .illegalDataValue : nil
        }
        try withServer(guarded) { server in
            let client = try client(server)
            let error = #expect(throws: ModbusError.self) {
                try client.writeMultipleRegisters(unit: 1, address: 4, values: [1, 2])
            }
            #expect(error?.exceptionCode == .illegalDataValue)
            #expect(guarded.writeCount == 0)
            #expect(guarded.get(.holding, address: 4, count: 2) == [0, 0])
        }
    }

    @Test func unknownUnitBehindARouterGetsGatewayPathUnavailable() throws {
        let router = UnitRouter(units: [100: bank])
        try withServer(router) { server in
            let client = try client(server)
            #expect(try client.read(.holding, unit: 100, address: 0, count: 1).count == 1)
            let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 3, address: 0, count: 1) }
            #expect(error?.exceptionCode == .gatewayPathUnavailable)
        }
    }

    @Test func handlerAnsweringWithTheWrongShapeBecomesServerDeviceFailure() throws {
        struct Broken: ModbusRequestHandler {
            func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse { .registers([1]) }
        }
        try withServer(Broken()) { server in
            let error = #expect(throws: ModbusError.self) {
                try client(server).read(.holding, unit: 1, address: 0, count: 3)
            }
            #expect(error?.exceptionCode == .serverDeviceFailure)
        }
    }

    @Test func slowAnswerTimesOutAndTheNextRequestGetsItsOwnAnswer() throws {
        struct Slow: ModbusRequestHandler {
            func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
                if request.address == 1 { Thread.sleep(forTimeInterval: 0.4) }
                return .registers([UInt16](repeating: UInt16(request.address), count: request.count))
            }
        }
        try withServer(Slow()) { server in
            let client = try client(server, timeout: .milliseconds(150))
            let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 1, count: 1) }
            #expect(error?.kind == .timeout)
            Thread.sleep(forTimeInterval: 0.4)
            // The late answer to address 1 must not be taken for this one.
            #expect(try client.read(.holding, unit: 1, address: 2, count: 1) == [2])
        }
    }

    @Test func closedPortIsReportedAsConnectionRefused() throws {
        let client = try ModbusClient(endpoint: .tcp(host: "127.0.0.1", port: freePort()))
        let error = #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 0, count: 1) }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.description.hasPrefix("connect to 127.0.0.1:") == true)
    }

    @Test func servesManyMastersAtOnce() throws {
        bank.set(.holding, address: 0, to: (0..<100).map { UInt16($0 * 3) })
        try withServer { server in
            let failures = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let client = try self.client(server)
                    for round in 0..<100 {
                        let values = try client.read(.holding, unit: 1, address: round % 50, count: 50)
                        if values != (round % 50..<round % 50 + 50).map({ UInt16($0 * 3) }) {
                            failures.withLock { $0 += 1 }
                        }
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
            #expect(failures.withLock { $0 } == 0)
        }
    }

    @Test func serverStopsWithConnectionsOpen() throws {
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        let client = try client(server)
        #expect(try client.read(.holding, unit: 1, address: 0, count: 1).count == 1)
        server.stop()
        #expect(throws: ModbusError.self) { try client.read(.holding, unit: 1, address: 0, count: 1) }
    }

    @Test func atTheLimitTheLeastRecentlyActiveConnectionGivesWay() throws {
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: bank, configuration: .init(maxConnections: 2))
        try server.start()
        defer { server.stop() }
        let first = try client(server)
        let second = try client(server)
        #expect(try first.read(.holding, unit: 1, address: 0, count: 1).count == 1)
        #expect(try second.read(.holding, unit: 1, address: 0, count: 1).count == 1)
        // A third master is served; the first, quiet the longest, is closed for it.
        let third = try client(server)
        #expect(try third.read(.holding, unit: 1, address: 0, count: 1).count == 1)
        #expect(throws: ModbusError.self) { try first.read(.holding, unit: 1, address: 0, count: 1) }
        #expect(try second.read(.holding, unit: 1, address: 0, count: 1).count == 1)
        #expect(server.statistics.evictedConnections >= 1)
    }
}
