/// Structured mutations of Modbus request PDUs, seeded with the frame shapes of the known
/// crashes of Modbus stacks (CVEs and issues of libmodbus and others): each mutation keeps a
/// PDU that a header can frame (1–253 bytes) and changes the fields where parsers go wrong.
struct FrameMutator {
    /// The seeds: frames that crashed, overflowed or hung a Modbus stack, and their neighbours.
    static let seeds: [(source: String, pdu: [UInt8])] = [
        // CVE-2019-14462/-14463 (libmodbus < 3.1.6): FC15/16 byte count other than the
        // quantity needs, read past the buffer.
        ("CVE-2019-14462", [0x10, 0x00, 0x00, 0x00, 0x0A, 0x04, 0x00, 0x01, 0x00, 0x02]),
        ("CVE-2019-14463", [0x0F, 0x00, 0x00, 0x07, 0xB0, 0x01, 0xFF]),
        ("CVE-2019-14462", [0x10, 0x00, 0x00, 0x00, 0x7B, 0xF6] + [UInt8](repeating: 0xA5, count: 246)),
        // CVE-2022-0367, CVE-2024-36843/-36844 (libmodbus FC23): write quantity and byte count
        // that disagree, read quantity at and past the limit.
        ("CVE-2022-0367", [0x17, 0x00, 0x00, 0x00, 0x7D, 0x00, 0x00, 0x00, 0x79, 0x02, 0x00, 0x01]),
        (
            "CVE-2024-36843",
            [0x17, 0xFF, 0xFF, 0x00, 0x7E, 0xFF, 0xF0, 0x00, 0x7A, 0xF4] + [UInt8](repeating: 0, count: 8)
        ),
        // libmodbus #837: MBAP and a function code alone (FC07, FC0x11), read past the frame.
        ("libmodbus #837", [0x07]),
        ("libmodbus #837", [0x11]),
        // libmodbus #874: an 8-byte frame (header and code) pins a worker for the response timeout.
        ("libmodbus #874", [0x03]),
        // modbus-esp8266 #387: a bare function code, a blocking read for the data.
        ("modbus-esp8266 #387", [0x10]),
        ("modbus-esp8266 #387", [0x01, 0x00]),
        // nanoMODBUS #120: FC 0x14/0x15 file records whose sub-request lengths exceed the data.
        ("nanoMODBUS #120", [0x14, 0x07, 0x06, 0x00, 0x04, 0x00, 0x01, 0x00, 0xFF]),
        ("nanoMODBUS #120", [0x15, 0x0D, 0x06, 0x00, 0x04, 0x00, 0x07, 0x00, 0x40, 0x06, 0xAF, 0x04, 0xBE]),
        // CVE-2023-26793 (libmodbus read_io_status): bit reads at and past 2000.
        ("CVE-2023-26793", [0x01, 0x00, 0x00, 0x07, 0xD0]),
        ("CVE-2023-26793", [0x02, 0xFF, 0xFF, 0x07, 0xD1]),
        // Nozomi (libmodbus 3.1.11): lengths copied unchecked in modbus_reply.
        ("Nozomi 3.1.11", [0x2B, 0x0E, 0x01, 0x00]),
        ("Nozomi 3.1.11", [0x16, 0x00, 0x04, 0x00, 0xF2, 0x00, 0x25]),
        // pymodbus #2698/#2917: short payloads that raised uncaught struct errors.
        ("pymodbus #2698", [0x03, 0x00, 0x00, 0x00]),
        ("pymodbus #2917", [0x06, 0x00]),
        // Plain requests, so that mutations also land next to what is valid.
        ("valid FC3", [0x03, 0x00, 0x0A, 0x00, 0x7D]),
        ("valid FC5", [0x05, 0x00, 0x01, 0xFF, 0x00]),
        ("valid FC6", [0x06, 0x0B, 0xB7, 0x12, 0x34]),
        ("valid FC15", [0x0F, 0x00, 0x10, 0x00, 0x0A, 0x02, 0xFF, 0x03]),
        ("valid FC16", [0x10, 0x00, 0x20, 0x00, 0x02, 0x04, 0x41, 0x80, 0x00, 0x00]),
    ]

    static let maxPDU = 253
    static let boundaryWords = [
        0, 1, 2, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x07B0, 0x07B1, 0x07D0, 0x07D1, 0x0BB7, 0x0BB8, 0x7FFF, 0x8000, 0xFF00,
        0xFFFE, 0xFFFF,
    ]

    var generator: SplitMix64

    /// One mutated PDU: a seed with one to three structured changes.
    mutating func pdu() -> [UInt8] {
        var pdu = Self.seeds.randomElement(using: &generator)!.pdu
        for _ in 0..<Int.random(in: 1...3, using: &generator) { mutate(&pdu) }
        return pdu
    }

    private mutating func mutate(_ pdu: inout [UInt8]) {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0:  // a byte set at random
            pdu[Int.random(in: 0..<pdu.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        case 1:  // a bit flipped
            pdu[Int.random(in: 0..<pdu.count, using: &generator)] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 2:  // the address or the quantity at a boundary
            let offset = Bool.random(using: &generator) ? 1 : 3
            setWord(&pdu, at: offset, to: Self.boundaryWords.randomElement(using: &generator)!)
        case 3:  // the byte count off by a little, or extreme
            if pdu.count < 6 { pdu += [UInt8](repeating: 0, count: 6 - pdu.count) }
            let stated = Int(pdu[5])
            pdu[5] = UInt8(
                truncatingIfNeeded: [stated - 1, stated + 1, 0, 255, pdu.count - 6].randomElement(using: &generator)!)
        case 4:  // cut short
            if pdu.count > 1 { pdu.removeLast(Int.random(in: 1..<pdu.count, using: &generator)) }
        case 5:  // made longer
            let room = Self.maxPDU - pdu.count
            if room > 0 {
                pdu += (0..<Int.random(in: 1...min(room, 8), using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            }
        case 6:  // another function code, served or not, request or exception response
            pdu[0] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0F, 0x10, 0x17, 0x00, 0x08, 0x2B, 0x7F, 0x80, 0x83, 0xFF]
                .randomElement(using: &generator)!
        case 7:  // the data that FC15/16 announce, as much as the byte count says
            if pdu.count >= 6 {
                let count = min(Int(pdu[5]), Self.maxPDU - 6)
                pdu = Array(pdu[0..<6]) + (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
        case 8:  // spliced with another seed
            let other = Self.seeds.randomElement(using: &generator)!.pdu
            let cut = Int.random(in: 1...pdu.count, using: &generator)
            pdu = Array((Array(pdu.prefix(cut)) + other.dropFirst(min(cut, other.count))).prefix(Self.maxPDU))
        default:  // the quantity made consistent with the byte count, or the other way round
            if pdu.count >= 6, [0x0F, 0x10].contains(pdu[0]) {
                let count = Int(pdu[3]) << 8 | Int(pdu[4])
                pdu[5] = UInt8(truncatingIfNeeded: pdu[0] == 0x0F ? (count + 7) / 8 : count * 2)
            }
        }
        if pdu.isEmpty { pdu = [0x03] }
    }

    private func setWord(_ pdu: inout [UInt8], at offset: Int, to value: Int) {
        if pdu.count < offset + 2 { pdu += [UInt8](repeating: 0, count: offset + 2 - pdu.count) }
        pdu[offset] = UInt8(value >> 8)
        pdu[offset + 1] = UInt8(value & 0xFF)
    }

    /// A header that cannot frame a request (conpot #619's 0xFFFF among them): the server closes
    /// the connection.
    mutating func brokenHeader(transaction: UInt16) -> [UInt8] {
        var adu = ModbusSpec.adu(transaction: transaction, pdu: pdu())
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            adu[2] = UInt8.random(in: 1...255, using: &generator)
        case 1:
            adu[4] = 0
            adu[5] = UInt8.random(in: 0...1, using: &generator)
        case 2:
            adu[4] = 0
            adu[5] = 255
        default:
            adu[4] = 0xFF
            adu[5] = 0xFF
            adu += [UInt8](repeating: 0x41, count: 1024)
        }
        return adu
    }
}
