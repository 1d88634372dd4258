import Modbus
import Testing

/// The boundary matrix of the server's request checks, over real sockets, in the style of
/// libmodbus's `test_server()`: every function code the spec defines for data access (FC 1, 2,
/// 3, 4, 5, 6, 15, 16, 23) at quantities 0, 1, max, max + 1 and 0xFFFF, at addresses inside,
/// at the end of and past the served range, with byte counts that agree or disagree with the
/// quantity and with the frame; every PDU cut short and made longer; unknown function codes and
/// codes of 0x80 and above; MBAP headers that cannot frame a request. Each case's answer comes
/// from `ModbusSpec`, the rules of the spec written apart from the server's decoder.
@Suite(.serialized)
struct BoundaryMatrixTests {
    /// Every table serves 0..<3000: the largest quantity fits at 0, and runs past the end at 2999.
    static let ranges: [RegisterTable: Range<Int>] = Dictionary(
        uniqueKeysWithValues: RegisterTable.allCases.map { ($0, 0..<3000) })
    static let addresses = [0, 2999, 0xFFFF]

    struct Case {
        var name: String
        var pdu: [UInt8]
        /// A header other than the one `pdu` implies (protocol id, length).
        var header: (protocolID: UInt16, length: Int)?

        func adu(transaction: UInt16) -> [UInt8] {
            var adu = ModbusSpec.adu(transaction: transaction, pdu: pdu)
            if let header {
                adu[2] = UInt8(header.protocolID >> 8)
                adu[3] = UInt8(header.protocolID & 0xFF)
                adu[4] = UInt8(header.length >> 8)
                adu[5] = UInt8(header.length & 0xFF)
            }
            return adu
        }
    }

    static func word(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    /// The PDU room a Modbus/TCP ADU leaves: 260 − 7.
    static let maxPDU = ModbusSpec.maxADU - 7

    static var cases: [Case] {
        var cases: [Case] = []
        let quantities = { (max: Int) in [0, 1, max, max + 1, 0xFFFF] }
        // Reads: quantity × address.
        for (code, max) in [(0x01, 2000), (0x02, 2000), (0x03, 125), (0x04, 125)] {
            for quantity in quantities(max) {
                for address in addresses {
                    cases.append(
                        Case(
                            name: "FC\(code) ×\(quantity) at \(address)",
                            pdu: [UInt8(code)] + word(address) + word(quantity)))
                }
            }
        }
        // Single writes: value × address, the values each side of what FC5 allows.
        for (code, values) in [
            (0x05, [0x0000, 0xFF00, 0x0001, 0x00FF, 0xFFFF]), (0x06, [0, 1, 0x7FFF, 0x8000, 0xFFFF]),
        ] {
            for value in values {
                for address in addresses + [3000] {
                    cases.append(
                        Case(
                            name: "FC\(code) value \(value) at \(address)",
                            pdu: [UInt8(code)] + word(address) + word(value)))
                }
            }
        }
        // Multiple writes: quantity × address × byte count (what the quantity needs, one less, one
        // more, 0), with the data the byte count announces, or one byte short or over.
        for (code, max, isBits) in [(0x0F, 1968, true), (0x10, 123, false)] {
            for quantity in quantities(max) {
                let needed = isBits ? (quantity + 7) / 8 : quantity * 2
                for address in addresses {
                    for (label, byteCount, data) in [
                        ("needed", needed, needed), ("one less", needed - 1, needed - 1),
                        ("one more", needed + 1, needed + 1), ("zero", 0, 0), ("data short", needed, needed - 1),
                        ("data over", needed, needed + 1),
                    ] where byteCount >= 0 && byteCount <= 255 && data >= 0 && 6 + data <= maxPDU {
                        let pdu = [UInt8(code)] + word(address) + word(quantity) + [UInt8(byteCount)]
                        cases.append(
                            Case(
                                name: "FC\(code) ×\(quantity) at \(address), byte count \(label)",
                                pdu: pdu + (0..<data).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
                    }
                }
            }
        }
        // FC23, read/write multiple registers: not served, so whatever its quantities and byte
        // count, the function check answers first.
        for readQuantity in quantities(125) {
            for (writeQuantity, byteCount) in [(0, 0), (1, 2), (121, 242), (122, 244), (1, 3), (2, 2)] {
                let pdu =
                    [0x17] + word(0) + word(readQuantity) + word(0) + word(writeQuantity) + [UInt8(byteCount)]
                    + [UInt8](repeating: 0x55, count: byteCount)
                cases.append(
                    Case(name: "FC23 read ×\(readQuantity), write ×\(writeQuantity) in \(byteCount) bytes", pdu: pdu))
            }
        }
        // Every PDU cut short, and the fixed-length ones made longer.
        let whole: [(Int, [UInt8])] = [
            (0x01, [0x01, 0, 0, 0, 8]), (0x02, [0x02, 0, 0, 0, 8]), (0x03, [0x03, 0, 0, 0, 2]),
            (0x04, [0x04, 0, 0, 0, 2]), (0x05, [0x05, 0, 1, 0xFF, 0]), (0x06, [0x06, 0, 1, 0, 5]),
            (0x0F, [0x0F, 0, 0, 0, 9, 2, 0xFF, 1]), (0x10, [0x10, 0, 0, 0, 2, 4, 0, 1, 0, 2]),
            (0x17, [0x17, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 9]),
        ]
        for (code, pdu) in whole {
            for length in 1..<pdu.count {
                cases.append(Case(name: "FC\(code) cut to \(length) bytes", pdu: Array(pdu.prefix(length))))
            }
            if pdu.count == 5 {
                cases.append(Case(name: "FC\(code) with a byte more", pdu: pdu + [0]))
                cases.append(Case(name: "FC\(code) with 4 bytes more", pdu: pdu + [1, 2, 3, 4]))
            }
        }
        // Function codes the server does not serve (0x42 as libmodbus tests; diagnostics,
        // file records, mask write, FIFO, device identification), bare or with data.
        for code in [0x00, 0x07, 0x08, 0x0B, 0x0C, 0x11, 0x14, 0x15, 0x16, 0x18, 0x2B, 0x41, 0x42, 0x64, 0x7F] {
            for data in [0, 4, 12] {
                cases.append(
                    Case(
                        name: "FC 0x\(String(code, radix: 16)) + \(data) bytes",
                        pdu: [UInt8(code)] + Array(repeating: 0, count: data)))
            }
        }
        // Codes of 0x80 and above are exception responses, not requests.
        for code in [0x80, 0x81, 0x83, 0x90, 0xAB, 0xC2, 0xFF] {
            for data in [0, 1, 4] {
                cases.append(
                    Case(
                        name: "FC 0x\(String(code, radix: 16)) + \(data) bytes",
                        pdu: [UInt8(code)] + Array(repeating: 0, count: data)))
            }
        }
        // Headers that cannot frame a request.
        let read: [UInt8] = [0x03, 0, 0, 0, 1]
        cases.append(Case(name: "protocol id 1", pdu: read, header: (1, 6)))
        cases.append(Case(name: "protocol id 0xFFFF", pdu: read, header: (0xFFFF, 6)))
        cases.append(Case(name: "length 0", pdu: [], header: (0, 0)))
        cases.append(Case(name: "length 1 (unit id only)", pdu: [], header: (0, 1)))
        cases.append(
            Case(
                name: "FC16 ×124 in an ADU of 261 bytes",
                pdu: [0x10, 0, 0, 0, 124, 248] + Array(repeating: 0, count: 248)))
        cases.append(Case(name: "length 0xFFFF", pdu: read, header: (0, 0xFFFF)))
        return cases
    }

    @Test func everyCaseOfTheMatrixIsAnsweredAsTheSpecSays() throws {
        let bank = RegisterBank(ranges: Self.ranges.mapValues { [$0] })
        var spec = ModbusSpec(ranges: Self.ranges)
        // Recognisable data, so that a read of the wrong place shows.
        for table in RegisterTable.allCases {
            let values: [UInt16] = (0..<3000).map { index -> UInt16 in
                table.isBits ? (index % 3 == 0 ? 1 : 0) : UInt16(truncatingIfNeeded: index &* 7)
            }
            bank.set(table, address: 0, to: values)
            spec.set(table, address: 0, to: values)
        }
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: bank, configuration: .init(byteTimeout: .milliseconds(100)))
        try server.start()
        defer { server.stop() }
        let connection = try ProbedConnection(port: server.port)

        let cases = Self.cases
        var violations: [String] = []
        var counts: [SpecViolation: Int] = [:]
        var expectedWrites = 0
        for testCase in cases {
            let frame = testCase.adu(transaction: connection.nextTransaction)
            let expected = spec.answer(adu: frame)
            if case .response = expected, [0x05, 0x06, 0x0F, 0x10].contains(frame[7]) { expectedWrites += 1 }
            let probe = spec.answer(pdu: ProbedConnection.probePDU)
            let observation = connection.exchange(frame)
            let found = observation.violations(of: frame, expected: expected, probe: probe)
            if !found.isEmpty {
                for violation in found { counts[violation, default: 0] += 1 }
                let got = observation.replies.map { Array($0.dropFirst(7).prefix(6)) }
                violations.append(
                    "\(testCase.name): expected \(expected), got \(got)\(observation.closed ? " and a close" : ""): "
                        + found.map(\.rawValue).sorted().joined(separator: ", "))
            }
            if observation.closed { try connection.reconnect() }
        }
        #expect(cases.count == 388)
        let summary = SpecViolation.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        let report =
            "\(violations.count) of \(cases.count) cases break the spec (\(summary.joined(separator: ", "))):\n"
            + violations.joined(separator: "\n")
        #expect(violations.isEmpty, "\(report)")
        // Exactly the writes the spec accepts were carried out; every refused one changed nothing.
        #expect(bank.writeCount == expectedWrites)
        for table in RegisterTable.allCases {
            #expect(bank.get(table, address: 0, count: 3000) == Array(spec.tables[table]![0..<3000]), "\(table)")
        }
    }
}
