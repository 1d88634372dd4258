import Modbus

/// What a Modbus/TCP server must answer to one frame, written from the specifications apart from
/// the server's decoder, so that the two check each other:
/// - the Modbus Messaging on TCP/IP Implementation Guide v1.0b (the MBAP header: protocol id 0,
///   a length that counts the unit id and the PDU; a TCP ADU is at most 260 bytes);
/// - the Modbus Application Protocol v1.1b3: function codes 1–127 are requests, 128–255 are
///   reserved for exception responses (§4.1); a server checks the function code (0x01), then
///   the quantity, value, byte count and implied length (0x03), then the address range (0x02),
///   then carries the request out (the state diagrams of §6, the exception codes of §7).
struct ModbusSpec {
    enum Answer: Hashable, CustomStringConvertible {
        /// The header cannot frame a request: the connection is closed.
        case closed
        /// No reply, and the connection serves the next frame.
        case dropped
        /// An exception response: the function code with its high bit set, and this code.
        case exception(UInt8)
        /// A normal response with this PDU.
        case response([UInt8])

        var description: String {
            switch self {
            case .closed: "connection closed"
            case .dropped: "no reply"
            case .exception(let code): "exception 0x0\(String(code, radix: 16))"
            case .response(let pdu):
                "response \(pdu.prefix(8).map { String($0, radix: 16) })\(pdu.count > 8 ? "…" : "")"
            }
        }
    }

    /// The largest Modbus/TCP ADU: the 7-byte MBAP header and a 253-byte PDU.
    static let maxADU = 260

    /// How the spec bounds each function it defines (§6), and which of them the server serves.
    struct Function {
        enum Shape { case read, writeSingle, writeMultiple }
        let shape: Shape
        let table: RegisterTable
        /// The largest quantity (§6: 0x07D0 bits, 0x007D registers read; 0x07B0 bits, 0x007B registers written).
        let maxQuantity: Int
    }

    static let served: [UInt8: Function] = [
        0x01: Function(shape: .read, table: .coil, maxQuantity: 2000),
        0x02: Function(shape: .read, table: .discrete, maxQuantity: 2000),
        0x03: Function(shape: .read, table: .holding, maxQuantity: 125),
        0x04: Function(shape: .read, table: .input, maxQuantity: 125),
        0x05: Function(shape: .writeSingle, table: .coil, maxQuantity: 1),
        0x06: Function(shape: .writeSingle, table: .holding, maxQuantity: 1),
        0x0F: Function(shape: .writeMultiple, table: .coil, maxQuantity: 1968),
        0x10: Function(shape: .writeMultiple, table: .holding, maxQuantity: 123),
    ]

    /// The addresses the server's handler serves, per table.
    let ranges: [RegisterTable: Range<Int>]
    /// The model's copy of the server's data (0 or 1 for a bit), changed by the writes it accepts.
    private(set) var tables: [RegisterTable: [UInt16]]

    init(ranges: [RegisterTable: Range<Int>]) {
        self.ranges = ranges
        tables = Dictionary(
            uniqueKeysWithValues: RegisterTable.allCases.map { ($0, Array(repeating: 0, count: 65536)) })
    }

    /// Sets words as the server's own data (what `RegisterBank.set` does).
    mutating func set(_ table: RegisterTable, address: Int, to values: [UInt16]) {
        tables[table]!.replaceSubrange(address..<address + values.count, with: values)
    }

    /// The answer to an ADU sent whole, whose MBAP length may lie only by being out of range.
    mutating func answer(adu: [UInt8]) -> Answer {
        precondition(adu.count >= 7, "a frame has a whole header")
        let protocolID = Int(adu[2]) << 8 | Int(adu[3])
        let length = Int(adu[4]) << 8 | Int(adu[5])
        guard protocolID == 0, length >= 2, 6 + length <= Self.maxADU else { return .closed }
        precondition(length == adu.count - 6, "the model answers frames whose length frames them")
        return answer(pdu: Array(adu[7...]))
    }

    /// The answer to a PDU framed by a valid header, in the spec's order of checks.
    mutating func answer(pdu: [UInt8]) -> Answer {
        let code = pdu[0]
        guard code < 0x80 else { return .dropped }
        guard let function = Self.served[code] else { return .exception(0x01) }
        func word(_ offset: Int) -> Int { Int(pdu[offset]) << 8 | Int(pdu[offset + 1]) }
        switch function.shape {
        case .read:
            guard pdu.count == 5 else { return .exception(0x03) }
            let (address, quantity) = (word(1), word(3))
            guard (1...function.maxQuantity).contains(quantity) else { return .exception(0x03) }
            guard address + quantity <= 65536, serves(function.table, address, quantity) else {
                return .exception(0x02)
            }
            let values = Array(tables[function.table]![address..<address + quantity])
            if function.table.isBits {
                let bytes = Self.packed(values.map { $0 != 0 })
                return .response([code, UInt8(bytes.count)] + bytes)
            }
            return .response([code, UInt8(quantity * 2)] + values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        case .writeSingle:
            guard pdu.count == 5 else { return .exception(0x03) }
            let (address, value) = (word(1), word(3))
            if function.table.isBits, value != 0x0000, value != 0xFF00 { return .exception(0x03) }
            guard serves(function.table, address, 1) else { return .exception(0x02) }
            tables[function.table]![address] = function.table.isBits ? (value == 0 ? 0 : 1) : UInt16(value)
            return .response(pdu)
        case .writeMultiple:
            // The byte count must be what follows it (the implied length) and what the quantity
            // needs.
            guard pdu.count >= 6, Int(pdu[5]) == pdu.count - 6 else { return .exception(0x03) }
            let (address, quantity, byteCount) = (word(1), word(3), Int(pdu[5]))
            guard (1...function.maxQuantity).contains(quantity) else { return .exception(0x03) }
            let needed = function.table.isBits ? (quantity + 7) / 8 : quantity * 2
            guard byteCount == needed else { return .exception(0x03) }
            guard address + quantity <= 65536, serves(function.table, address, quantity) else {
                return .exception(0x02)
            }
            let values: [UInt16] =
                function.table.isBits
                ? (0..<quantity).map { UInt16(pdu[6 + $0 / 8] >> ($0 % 8) & 1) }
                : (0..<quantity).map { UInt16(word(6 + 2 * $0)) }
            tables[function.table]!.replaceSubrange(address..<address + quantity, with: values)
            return .response(Array(pdu[0..<5]))
        }
    }

    private func serves(_ table: RegisterTable, _ address: Int, _ quantity: Int) -> Bool {
        guard let range = ranges[table] else { return false }
        return range.contains(address) && address + quantity <= range.upperBound
    }

    /// Bits as a response carries them: eight to a byte, the first in the lowest bit.
    static func packed(_ bits: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit { bytes[index / 8] |= 1 << (index % 8) }
        return bytes
    }

    /// A Modbus/TCP ADU: the MBAP header with the length of `pdu`, then `pdu`.
    static func adu(transaction: UInt16, unit: UInt8 = 1, pdu: [UInt8]) -> [UInt8] {
        let length = pdu.count + 1
        return [
            UInt8(transaction >> 8), UInt8(transaction & 0xFF), 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), unit,
        ] + pdu
    }
}
