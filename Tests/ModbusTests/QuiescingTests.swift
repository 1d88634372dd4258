import Dispatch
import Modbus
import Synchronization
import TestSupport
import Testing

/// Stopping a listener: it stops accepting, the requests it has read are all answered, and only
/// then do the connections close. Over real sockets.
@Suite(.serialized)
struct QuiescingTests {
    /// Answers every read with its count of 7s, and tells when it has answered `expected` of them.
    final class CountingHandler: ModbusRequestHandler {
        let expected: Int
        let allAnswered = DispatchSemaphore(value: 0)
        private let answered = Atomic(0)

        init(expected: Int) { self.expected = expected }

        func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
            if answered.add(1, ordering: .relaxed).newValue == expected { allAnswered.signal() }
            return .registers(Array(repeating: 7, count: request.count))
        }
    }

    @Test func answersWaitingToBeSentAreSentBeforeTheConnectionCloses() throws {
        // 4,000 answers of 125 registers (259 bytes each, 1 MB) to a master that reads nothing
        // until the server is stopping: most of them wait in the server, not in the sockets.
        let requests = 4_000
        let handler = CountingHandler(expected: requests)
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: handler)
        try server.start()
        let master = try RawConnection(port: server.port, receiveBuffer: 4_096)
        let pipelined = (0..<requests).flatMap { index in
            RawConnection.frame(transaction: UInt16(index), pdu: [0x03, 0, 0, 0, 125])
        }
        master.send(pipelined)
        #expect(handler.allAnswered.wait(timeout: .now() + 10) == .success)

        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.stop(quiescingTimeout: .seconds(10))
            stopped.signal()
        }
        let answers = master.receive(timeout: .seconds(10), expecting: requests * 259)
        #expect(answers?.count == requests * 259)
        // The last answer is the last request's, whole; then the server closes.
        #expect(
            answers.map { Array($0.suffix(259).prefix(2)) } == [
                UInt8((requests - 1) >> 8), UInt8((requests - 1) & 0xFF),
            ])
        #expect(master.receive(timeout: .seconds(5)) == nil)
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        // And it accepts no one any more.
        #expect(throws: (any Error).self) { try RawConnection(port: server.port) }
    }

    @Test func aMasterThatReadsNothingIsClosedAfterTheQuiescingTimeout() throws {
        let handler = CountingHandler(expected: 2_000)
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: handler)
        try server.start()
        let master = try RawConnection(port: server.port, receiveBuffer: 4_096)
        master.send((0..<2_000).flatMap { _ in RawConnection.frame(pdu: [0x03, 0, 0, 0, 125]) })
        #expect(handler.allAnswered.wait(timeout: .now() + 10) == .success)
        // stop() returns although the master never reads its answers, and the connection is closed.
        server.stop(quiescingTimeout: .milliseconds(300))
        var closed = false
        for _ in 0..<100 where master.receive(timeout: .seconds(1), expecting: 1 << 20) == nil {
            closed = true
            break
        }
        #expect(closed)
    }
}
