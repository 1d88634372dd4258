import Modbus
import TestSupport
import Testing

/// Hand-made frames against the server: protocol limits, check order, MBAP integrity
/// (exception codes and check order per Modbus Application Protocol v1.1b3 §7: function → 0x01,
/// quantity → 0x03, address → 0x02; the MBAP header per the Modbus Messaging on TCP/IP
/// Implementation Guide v1.0b: protocol id 0, a length that frames the PDU, the transaction id
/// echoed).
@Suite(.serialized)
struct RawFrameTests {
    let bank = RegisterBank(ranges: [.holding: [0..<100], .coil: [0..<100]])

    func withConnection(_ body: (RawConnection, ModbusTCPServer) throws -> Void) throws {
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: bank)
        try server.start()
        defer { server.stop() }
        try body(try RawConnection(port: server.port), server)
    }

    /// Sends one PDU and returns the reply's PDU (after the MBAP header).
    func exchange(_ connection: RawConnection, _ pdu: [UInt8], transaction: UInt16 = 7) -> [UInt8]? {
        connection.send(RawConnection.frame(transaction: transaction, pdu: pdu))
        guard let reply = connection.receive(), reply.count > 7 else { return nil }
        #expect(reply[0] == UInt8(transaction >> 8) && reply[1] == UInt8(transaction & 0xFF))
        return Array(reply[7...])
    }

    @Test(
        arguments: [
            ([0x03, 0, 0, 0, 0], [0x83, 0x03]),  // quantity 0
            ([0x03, 0, 0, 0, 126], [0x83, 0x03]),  // one register over the limit
            ([0x04, 0, 0, 0xFF, 0xFF], [0x84, 0x03]),  // quantity 0xFFFF
            ([0x01, 0, 0, 0x07, 0xD1], [0x81, 0x03]),  // 2001 coils
            ([0x03, 0xFF, 0xFF, 0, 2], [0x83, 0x02]),  // runs past 65535
            ([0x03, 0, 200, 0, 1], [0x83, 0x02]),  // not served
            ([0x05, 0, 1, 0x12, 0x34], [0x85, 0x03]),  // coil value neither 0x0000 nor 0xFF00
            ([0x10, 0, 0, 0, 2, 3, 0, 1, 0], [0x90, 0x03]),  // byte count 3 for 2 registers
            ([0x10, 0, 0, 0, 124, 2, 0, 0], [0x90, 0x03]),  // 124 registers
            ([0x0F, 0, 0, 0, 9, 1, 0xFF], [0x8F, 0x03]),  // byte count 1 for 9 coils
            ([0x42, 1, 2], [0xC2, 0x01]),  // unknown function code
            ([0x08, 0, 0, 0x12, 0x34], [0x88, 0x01]),  // diagnostics: not on TCP
            ([0x2B, 0x0E, 1, 0], [0xAB, 0x01]),  // device identification: not served
        ] as [([UInt8], [UInt8])])
    func invalidRequestGetsTheSpecException(request: [UInt8], reply: [UInt8]) throws {
        try withConnection { connection, _ in
            #expect(exchange(connection, request) == reply)
            // The stream stays in step: the next request on the same connection is answered.
            #expect(exchange(connection, [0x03, 0, 0, 0, 1], transaction: 8) == [0x03, 2, 0, 0])
        }
        #expect(bank.writeCount == 0)
    }

    @Test func nonzeroProtocolIdClosesTheConnection() throws {
        try withConnection { connection, server in
            connection.send(RawConnection.frame(pdu: [0x03, 0, 0, 0, 1], protocolID: 1))
            #expect(connection.receive() == nil)
            let next = try RawConnection(port: server.port)
            #expect(exchange(next, [0x03, 0, 0, 0, 1]) == [0x03, 2, 0, 0])
        }
    }

    /// The MBAP length frames the PDU: one longer or shorter than its function implies gets
    /// 0x03 ("the implied length is incorrect", §7), and the stream stays in step.
    @Test func pduLongerThanItsFunctionImpliesGetsIllegalDataValue() throws {
        try withConnection { connection, _ in
            #expect(exchange(connection, [0x03, 0, 0, 0, 1, 0x03, 0x00, 0x00]) == [0x83, 0x03])
            #expect(exchange(connection, [0x03, 0, 0, 0, 1], transaction: 8) == [0x03, 2, 0, 0])
        }
    }

    @Test func pduShorterThanItsFunctionImpliesGetsIllegalDataValueAndWritesNothing() throws {
        try withConnection { connection, _ in
            #expect(exchange(connection, [0x06, 0, 1]) == [0x86, 0x03])
            #expect(exchange(connection, [0x10, 0, 1, 0, 2, 4, 0, 5], transaction: 8) == [0x90, 0x03])
            #expect(exchange(connection, [0x03, 0, 0, 0, 1], transaction: 9) == [0x03, 2, 0, 0])
        }
        #expect(bank.writeCount == 0)
    }

    /// Codes from 0x80 are exception responses (§4.1): not answered, and the connection serves
    /// the next request.
    @Test func frameWithAnExceptionResponseCodeGetsNoReply() throws {
        try withConnection { connection, _ in
            connection.send(RawConnection.frame(transaction: 7, pdu: [0x83, 0x02]))
            connection.send(RawConnection.frame(transaction: 8, pdu: [0x03, 0, 0, 0, 1]))
            let reply = try #require(connection.receive())
            #expect(reply == [0, 8, 0, 0, 0, 5, 1, 0x03, 2, 0, 0])
        }
    }

    @Test(arguments: [0, 1, 255, 0xFFFF])
    func lengthThatCannotFrameARequestClosesTheConnection(length: Int) throws {
        try withConnection { connection, server in
            var frame = RawConnection.frame(pdu: [0x03, 0, 0, 0, 1])
            frame[4] = UInt8(length >> 8)
            frame[5] = UInt8(length & 0xFF)
            connection.send(frame)
            #expect(connection.receive() == nil)
            let next = try RawConnection(port: server.port)
            #expect(exchange(next, [0x03, 0, 0, 0, 1]) == [0x03, 2, 0, 0])
        }
    }

    @Test func truncatedFrameIsDroppedAfterTheByteTimeout() throws {
        try withConnection { connection, _ in
            connection.send(Array(RawConnection.frame(pdu: [0x03, 0, 0, 0, 1]).prefix(9)))
            #expect(connection.receive(timeout: .seconds(3)) == nil)
        }
    }

    @Test func pipelinedRequestsEchoEveryTransactionId() throws {
        try withConnection { connection, _ in
            var frames: [UInt8] = []
            for transaction in 1...200 {
                frames += RawConnection.frame(
                    transaction: UInt16(transaction), pdu: [0x03, 0, UInt8(transaction % 50), 0, 1])
            }
            connection.send(frames)
            let replies = connection.receive(timeout: .seconds(5), expecting: 200 * 11) ?? []
            #expect(replies.count == 200 * 11)
            let echoed = stride(from: 0, to: replies.count, by: 11).map { Int(replies[$0]) << 8 | Int(replies[$0 + 1]) }
            #expect(echoed == Array(1...200))
        }
    }

    @Test func broadcastUnitZeroIsAnsweredOnTCP() throws {
        try withConnection { connection, _ in
            connection.send(RawConnection.frame(unit: 0, pdu: [0x03, 0, 0, 0, 1]))
            #expect(connection.receive()?.count == 11)
        }
    }
}

/// A handler that serves 126-register reads, as the OpenEMS profile does.
@Suite(.serialized)
struct ExtendedReadTests {
    struct Wide: ModbusRequestHandler {
        func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
            .registers((0..<request.count).map { UInt16(request.address + $0) })
        }
        var maxReadRegisters: Int { 126 }
    }

    @Test func readOf126RegistersIsFramedWholeAndTheStreamStaysInStep() throws {
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: Wide())
        try server.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send(RawConnection.frame(transaction: 9, pdu: [0x03, 0, 10, 0, 126]))
        let reply = try #require(connection.receive())
        #expect(reply.count == 9 + 252)
        #expect(Array(reply[0..<9]) == [0, 9, 0, 0, 0, 255, 1, 0x03, 252])
        #expect(Array(reply[9..<11]) == [0, 10] && Array(reply[259..<261]) == [0, 135])
        // 127 is beyond what this handler serves; the next request on the stream still works.
        connection.send(RawConnection.frame(transaction: 10, pdu: [0x03, 0, 0, 0, 127]))
        #expect(connection.receive().map { Array($0[7...]) } == [0x83, 0x03])
        connection.send(RawConnection.frame(transaction: 11, pdu: [0x03, 0, 0, 0, 1]))
        #expect(connection.receive().map { Array($0[7...]) } == [0x03, 2, 0, 0])
    }
}
