import Foundation
import Modbus
import Testing

/// A bounded network fuzz of the server, at a size the suite can afford: structured mutations
/// of the frames that crashed other Modbus stacks, pipelined over one connection in batches that
/// end with a probe read, and now and then a header that must close the connection. Every
/// frame is answered as `ModbusSpec` says, the server still serves plain reads afterwards, and
/// it gives back every thread and descriptor it took. `scripts/fuzz` runs the long version
/// against the executable.
@Suite(.serialized)
struct FuzzTests {
    static let seed = ProcessInfo.processInfo.environment["BUSBAR_TEST_SEED"].flatMap { UInt64($0) } ?? 20_260_601
    static let frames = 20_000
    static let batch = 100

    struct Tally {
        var answered = 0
        var dropped = 0
        var closes = 0
        var wrong: [String] = []
    }

    /// Entries of a /proc/self directory: open descriptors, threads.
    static func count(_ directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/\(directory)").count) ?? 0
    }

    @Test func mutatedFramesAreAnsweredAsTheSpecSaysAndCostNothingAfterwards() throws {
        let ranges = BoundaryMatrixTests.ranges
        let bank = RegisterBank(ranges: ranges.mapValues { [$0] })
        var spec = ModbusSpec(ranges: ranges)
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: bank, configuration: .init(byteTimeout: .milliseconds(200)))
        try server.start()
        defer { server.stop() }
        let baseline = (descriptors: Self.count("fd"), threads: Self.count("task"))

        let tally = try fuzz(port: server.port, spec: &spec)
        #expect(
            tally.wrong.isEmpty,
            "seed \(Self.seed): \(tally.wrong.count) answers against the spec:\n\(tally.wrong.joined(separator: "\n"))")
        #expect(tally.answered + tally.dropped == Self.frames, "seed \(Self.seed)")
        #expect(
            tally.closes > 0 && tally.dropped > 100,
            "seed \(Self.seed): \(tally.closes) closes, \(tally.dropped) without a reply")

        // A new master is served as before.
        let fresh = try ProbedConnection(port: server.port)
        let words = spec.tables[.holding]![0..<2].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(fresh.read([0x03, 0, 0, 0, 2]) == [0x03, 4] + words)
        _ = consume fresh

        // The closed connections' threads and descriptors are given back (a connection's thread
        // ends once it sees the close).
        var settled = (descriptors: Int.max, threads: Int.max)
        for _ in 0..<100 {
            settled = (Self.count("fd"), Self.count("task"))
            if settled.descriptors <= baseline.descriptors, settled.threads <= baseline.threads { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(
            settled.descriptors <= baseline.descriptors, "descriptors \(baseline.descriptors) → \(settled.descriptors)")
        #expect(settled.threads <= baseline.threads, "threads \(baseline.threads) → \(settled.threads)")
    }

    /// Sends the mutated frames and checks every answer; the connections are closed on return.
    private func fuzz(port: Int, spec: inout ModbusSpec) throws -> Tally {
        var mutator = FrameMutator(generator: SplitMix64(seed: Self.seed))
        var connection = try ProbedConnection(port: port)
        var tally = Tally()
        var transaction: UInt16 = 0
        var sent = 0
        while sent < Self.frames, tally.wrong.count < 20 {
            var frames: [(adu: [UInt8], expected: ModbusSpec.Answer)] = []
            for _ in 0..<min(Self.batch, Self.frames - sent) {
                transaction &+= 1
                let unit = UInt8.random(in: 0...255, using: &mutator.generator)
                let adu = ModbusSpec.adu(transaction: transaction, unit: unit, pdu: mutator.pdu())
                frames.append((adu, spec.answer(adu: adu)))
            }
            sent += frames.count
            transaction &+= 1
            let probe = ModbusSpec.adu(transaction: transaction, pdu: ProbedConnection.probePDU)
            connection.send((frames + [(probe, spec.answer(adu: probe))]).flatMap(\.adu))
            for (adu, expected) in frames {
                let pdu = Array(adu[7...])
                let due: [UInt8]
                switch expected {
                case .dropped:
                    tally.dropped += 1
                    continue
                case .closed:
                    tally.wrong.append("\(pdu.prefix(12)): a well-framed frame is never to close")
                    continue
                case .exception(let code): due = [pdu[0] | 0x80, code]
                case .response(let response): due = response
                }
                // The header echoes the transaction and unit ids; the PDU is what the spec says.
                let reply = connection.nextReply()
                if let reply, reply[0..<2] == adu[0..<2], reply[6] == adu[6], Array(reply[7...]) == due {
                    tally.answered += 1
                } else {
                    tally.wrong.append(
                        "\(pdu.prefix(12)): expected \(expected), got \(reply.map { Array($0.prefix(16)) } ?? [])")
                }
            }
            // The probe's reply shows that nothing else came before it.
            if connection.nextReply()?[0..<2] != probe[0..<2] {
                tally.wrong.append("probe \(transaction) not answered next")
            }
            // Now and then a header that cannot frame a request: the connection closes, and a
            // new one is served.
            if Int.random(in: 0..<10, using: &mutator.generator) == 0 {
                transaction &+= 1
                connection.send(mutator.brokenHeader(transaction: transaction))
                if connection.isClosed() {
                    tally.closes += 1
                } else {
                    tally.wrong.append("a broken header left the connection open")
                }
                connection = try ProbedConnection(port: port)
            }
        }
        return tally
    }
}
