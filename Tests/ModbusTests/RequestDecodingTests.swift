import Foundation
import Modbus
import Testing

/// The pure request decoder: what a handler may receive.
struct RequestDecodingTests {
    @Test func fc16ArrivesWhole() {
        let decoded = ModbusRequest.decode(pdu: [0x10, 0x02, 0xC2, 0, 2, 4, 0x41, 0x80, 0, 0])
        #expect(decoded == .success(.writeMultipleRegisters(address: 706, values: [0x4180, 0])))
    }

    @Test func fc15UnpacksBitsLeastSignificantFirst() {
        let decoded = ModbusRequest.decode(pdu: [0x0F, 0, 10, 0, 10, 2, 0b0000_0101, 0b10])
        let bits = [true, false, true, false, false, false, false, false, false, true]
        #expect(decoded == .success(.writeMultipleCoils(address: 10, values: bits)))
    }

    @Test func quantityIsCheckedBeforeAddress() {
        // Quantity 0 at an address past the end is a 0x03, not a 0x02 (libmodbus and spec order).
        #expect(ModbusRequest.decode(pdu: [0x03, 0xFF, 0xFF, 0, 0]) == .failure(.exception(.illegalDataValue)))
    }

    @Test func pduOfAnotherLengthThanItsFunctionImpliesIsAnIllegalDataValue() {
        #expect(ModbusRequest.decode(pdu: [0x03, 0, 0, 0]) == .failure(.exception(.illegalDataValue)))
        #expect(ModbusRequest.decode(pdu: [0x03, 0, 0, 0, 1, 0]) == .failure(.exception(.illegalDataValue)))
        #expect(ModbusRequest.decode(pdu: [0x10, 0, 0, 0, 1, 2, 0]) == .failure(.exception(.illegalDataValue)))
        #expect(ModbusRequest.decode(pdu: [0x10]) == .failure(.exception(.illegalDataValue)))
    }

    @Test func functionIsCheckedBeforeLength() {
        // FC23 is not served: 0x01 even cut short.
        #expect(ModbusRequest.decode(pdu: [0x17, 0, 0]) == .failure(.exception(.illegalFunction)))
        #expect(ModbusRequest.decode(pdu: [0x42]) == .failure(.exception(.illegalFunction)))
    }

    @Test func exceptionResponsesAndEmptyPdusAreNotRequests() {
        #expect(ModbusRequest.decode(pdu: [0x83, 0x02]) == .failure(.notARequest))
        #expect(ModbusRequest.decode(pdu: [0x80]) == .failure(.notARequest))
        #expect(ModbusRequest.decode(pdu: [0xFF, 0, 0, 0, 1]) == .failure(.notARequest))
        #expect(ModbusRequest.decode(pdu: [UInt8]()) == .failure(.notARequest))
    }

    /// The seed of the generated frames; set BUSBAR_TEST_SEED to try others. Every failure
    /// names it, so that a run can be repeated exactly.
    static let seed = ProcessInfo.processInfo.environment["BUSBAR_TEST_SEED"].flatMap { UInt64($0) } ?? 20_260_501

    @Test func generatedValidFramesDecodeToTheRequestTheyCarry() {
        var generator = SplitMix64(seed: Self.seed)
        var decoded = 0
        for _ in 0..<5000 {
            let request = generator.request()
            let pdu = request.pdu
            let result = ModbusRequest.decode(pdu: pdu)
            #expect(result == .success(request), "seed \(Self.seed): \(pdu)")
            if result == .success(request) { decoded += 1 }
        }
        #expect(decoded == 5000, "seed \(Self.seed)")
    }

    @Test func generatedInvalidFramesAreRejectedForTheirFault() {
        var generator = SplitMix64(seed: Self.seed)
        var rejected: [ModbusRequest.DecodingFailure: Int] = [:]
        for _ in 0..<5000 {
            let (pdu, fault) = generator.invalidFrame()
            let result = ModbusRequest.decode(pdu: pdu)
            #expect(result == .failure(fault), "seed \(Self.seed): \(pdu)")
            if result == .failure(fault) { rejected[fault, default: 0] += 1 }
        }
        #expect(rejected.values.reduce(0, +) == 5000, "seed \(Self.seed)")
        let faults: [ModbusRequest.DecodingFailure] = [
            .notARequest, .exception(.illegalFunction), .exception(.illegalDataValue), .exception(.illegalDataAddress),
        ]
        for fault in faults { #expect(rejected[fault, default: 0] > 100, "seed \(Self.seed): \(fault) barely tried") }
    }

    /// Valid frames with a few bytes overwritten: whatever decodes is exactly the request the
    /// bytes spell, everything else is refused, and both happen often.
    @Test func damagedFramesDecodeOnlyToWhatTheyCarry() {
        var generator = SplitMix64(seed: Self.seed)
        var decoded = 0
        var rejected = 0
        for _ in 0..<20000 {
            var pdu = generator.request().pdu
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                pdu[Int.random(in: 0..<pdu.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            switch ModbusRequest.decode(pdu: pdu) {
            case .success(let request):
                decoded += 1
                #expect(request.pdu == pdu.withUnusedCoilBitsCleared, "seed \(Self.seed): \(pdu) as \(request)")
            case .failure:
                rejected += 1
            }
        }
        #expect(decoded > 1000 && rejected > 1000, "seed \(Self.seed): \(decoded) decoded, \(rejected) rejected")
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator whose sequence a seed fixes.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A request within the protocol limits, of any function code busbar serves.
    mutating func request() -> ModbusRequest {
        let address = value(in: 0...ModbusLimits.addressSpace - 1)
        func span(_ limit: Int) -> (address: Int, count: Int) {
            let count = value(in: 1...limit)
            return (value(in: 0...ModbusLimits.addressSpace - count), count)
        }
        switch Int.random(in: 0..<8, using: &self) {
        case 0:
            let (start, count) = span(ModbusLimits.maxReadBits)
            return .readCoils(address: start, count: count)
        case 1:
            let (start, count) = span(ModbusLimits.maxReadBits)
            return .readDiscreteInputs(address: start, count: count)
        case 2:
            let (start, count) = span(ModbusLimits.maxReadRegisters)
            return .readHoldingRegisters(address: start, count: count)
        case 3:
            let (start, count) = span(ModbusLimits.maxReadRegisters)
            return .readInputRegisters(address: start, count: count)
        case 4: return .writeSingleCoil(address: address, value: Bool.random(using: &self))
        case 5: return .writeSingleRegister(address: address, value: UInt16.random(in: 0...UInt16.max, using: &self))
        case 6:
            let (start, count) = span(ModbusLimits.maxWriteBits)
            return .writeMultipleCoils(address: start, values: (0..<count).map { _ in Bool.random(using: &self) })
        default:
            let (start, count) = span(ModbusLimits.maxWriteRegisters)
            return .writeMultipleRegisters(
                address: start, values: (0..<count).map { _ in UInt16.random(in: 0...UInt16.max, using: &self) })
        }
    }

    /// A value in `range`, one of its ends a quarter of the time: where off-by-one mistakes show.
    mutating func value(in range: ClosedRange<Int>) -> Int {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: range.lowerBound
        case 1: range.upperBound
        default: Int.random(in: range, using: &self)
        }
    }

    /// A frame with one fault, and how the decoder must refuse it (the spec's order: function
    /// code; length, quantity, value and byte count; address).
    mutating func invalidFrame() -> (pdu: [UInt8], fault: ModbusRequest.DecodingFailure) {
        let request = request()
        var pdu = request.pdu
        let isRead = !request.isWrite
        let isMultiple = [.writeMultipleCoils, .writeMultipleRegisters].contains(request.functionCode)
        switch Int.random(in: 0..<6, using: &self) {
        case 0:
            // A function code busbar does not serve (FC23 included: it has no handler), or one
            // of an exception response.
            let served = FunctionCode.allCases.filter { $0 != .readWriteMultipleRegisters }.map(\.rawValue)
            pdu[0] = (0...UInt8.max).filter { !served.contains($0) }.randomElement(using: &self)!
            return (pdu, pdu[0] >= 0x80 ? .notARequest : .exception(.illegalFunction))
        case 1:
            // Cut short (before the byte count, or inside the data it announces): not the length
            // the function implies.
            pdu.removeLast(Int.random(in: 1..<pdu.count, using: &self))
            return (pdu, .exception(.illegalDataValue))
        case 2:
            pdu += (0..<Int.random(in: 1...4, using: &self)).map { _ in UInt8.random(in: 0...255, using: &self) }
            return (pdu, .exception(.illegalDataValue))
        case 3 where request.functionCode == .writeSingleCoil:
            pdu.replaceWord(at: 3, with: [0x0001, 0x00FF, 0xFFFF, 0x1234].randomElement(using: &self)!)
            return (pdu, .exception(.illegalDataValue))
        case 3 where isMultiple:
            // A byte count that does not match the quantity, with the bytes it announces.
            let stated = Int(pdu[5])
            let wrong = [1, 2, 255].map { (stated + $0) % 256 }.randomElement(using: &self)!
            let data = (0..<wrong).map { _ in UInt8.random(in: 0...255, using: &self) }
            pdu = Array(pdu[0..<5]) + [UInt8(wrong)] + data
            return (pdu, .exception(.illegalDataValue))
        case 4 where isRead:
            // A read of nothing or of more than the function allows.
            let limit = request.table.isBits ? ModbusLimits.maxReadBits : ModbusLimits.maxReadRegisters
            let quantity = Bool.random(using: &self) ? 0 : value(in: limit + 1...0xFFFF)
            pdu.replaceWord(at: 3, with: UInt16(quantity))
            return (pdu, .exception(.illegalDataValue))
        case 5 where (isRead || isMultiple) && request.count > 1:
            // A valid quantity that runs past the last address.
            let last = ModbusLimits.addressSpace - 1
            pdu.replaceWord(at: 1, with: UInt16(value(in: last - request.count + 2...last)))
            return (pdu, .exception(.illegalDataAddress))
        default:
            pdu.removeAll()
            return (pdu, .notARequest)
        }
    }
}

extension ModbusRequest {
    /// The PDU as the Modbus Application Protocol V1.1b lays it out, written here apart from
    /// the decoder so that the two check each other.
    var pdu: [UInt8] {
        func word(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        func packed(_ bits: [Bool]) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
            for (index, bit) in bits.enumerated() where bit { bytes[index / 8] |= 1 << (index % 8) }
            return bytes
        }
        let head = [functionCode.rawValue] + word(address)
        switch self {
        case .readCoils(_, let count), .readDiscreteInputs(_, let count), .readHoldingRegisters(_, let count),
            .readInputRegisters(_, let count):
            return head + word(count)
        case .writeSingleCoil(_, let value): return head + word(value ? 0xFF00 : 0)
        case .writeSingleRegister(_, let value): return head + word(Int(value))
        case .writeMultipleCoils(_, let values):
            let bytes = packed(values)
            return head + word(values.count) + [UInt8(bytes.count)] + bytes
        case .writeMultipleRegisters(_, let values):
            return head + word(values.count) + [UInt8(values.count * 2)] + values.flatMap { word(Int($0)) }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func replaceWord(at offset: Int, with value: UInt16) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(value & 0xFF)
    }

    /// An FC15 frame without the padding bits after the last coil, which carry nothing.
    fileprivate var withUnusedCoilBitsCleared: [UInt8] {
        guard first == FunctionCode.writeMultipleCoils.rawValue, count > 6 else { return self }
        let coils = Int(self[3]) << 8 | Int(self[4])
        guard coils % 8 != 0 else { return self }
        var copy = self
        copy[count - 1] &= UInt8((1 << (coils % 8)) - 1)
        return copy
    }
}
