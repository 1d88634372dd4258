import Modbus
import Testing

struct RegisterCodecTests {
    /// Values at the edges of each type, for the round trips.
    static let samples: [(ValueType, [RegisterValue])] = [
        (.int16, [.int(0), .int(-1), .int(Int64(Int16.min)), .int(Int64(Int16.max)), .int(0x1234)]),
        (.uint16, [.uint(0), .uint(0x1234), .uint(UInt64(UInt16.max))]),
        (.int32, [.int(-2), .int(Int64(Int32.min)), .int(Int64(Int32.max)), .int(0x0102_0304)]),
        (.uint32, [.uint(0), .uint(0x0102_0304), .uint(UInt64(UInt32.max))]),
        (.int64, [.int(-2), .int(.min), .int(.max), .int(0x0102_0304_0506_0708)]),
        (.uint64, [.uint(0), .uint(0x0102_0304_0506_0708), .uint(.max)]),
        (.float32, [.float(16), .float(-230.5), .float(Double(Float(0.1))), .float(.infinity)]),
        (.float64, [.float(16), .float(0.1), .float(-1e300), .float(-.infinity)]),
        (.bool, [.bool(true), .bool(false)]),
        (.string(registers: 5), [.string("B1"), .string("0123456789"), .string("")]),
    ]

    static let cases: [(ValueType, RegisterValue, WordOrder)] = samples.flatMap { type, values in
        values.flatMap { value in WordOrder.allCases.map { (type, value, $0) } }
    }

    @Test(arguments: cases)
    func everyTypeRoundTripsInEveryOrder(type: ValueType, value: RegisterValue, order: WordOrder) throws {
        let codec = RegisterCodec(valueType: type, order: order)
        let words = try codec.encode(value)
        #expect(words.count == type.registerCount)
        #expect(try codec.decode(words) == value)
    }

    @Test(arguments: WordOrder.allCases)
    func nanSurvivesAFloatRoundTrip(order: WordOrder) throws {
        for type in [ValueType.float32, .float64] {
            let codec = RegisterCodec(valueType: type, order: order)
            let decoded = try codec.decode(try codec.encode(.float(.nan)))
            #expect(decoded.doubleValue?.isNaN == true)
        }
    }

    @Test func float32SixteenInBothWordOrders() throws {
        #expect(try RegisterCodec(valueType: .float32).encode(.float(16)) == [0x4180, 0x0000])
        #expect(try RegisterCodec(valueType: .float32, order: .cdab).encode(.float(16)) == [0x0000, 0x4180])
        #expect(try RegisterCodec(valueType: .float32, order: .cdab).decode([0x0000, 0x4180]) == .float(16))
    }

    @Test func negativeIntegersAreTwosComplement() throws {
        #expect(try RegisterCodec(valueType: .int32).encode(.int(-2)) == [0xFFFF, 0xFFFE])
        #expect(try RegisterCodec(valueType: .int16).encode(.int(-1)) == [0xFFFF])
        #expect(try RegisterCodec(valueType: .int16).decode([0xFFFF]) == .int(-1))
        #expect(try RegisterCodec(valueType: .uint16).decode([0xFFFF]) == .uint(65535))
    }

    @Test(arguments: [
        (WordOrder.abcd, [UInt16]([0x0102, 0x0304, 0x0506, 0x0708])),
        (.cdab, [0x0708, 0x0506, 0x0304, 0x0102]),
        (.badc, [0x0201, 0x0403, 0x0605, 0x0807]),
        (.dcba, [0x0807, 0x0605, 0x0403, 0x0201]),
    ])
    func uint64InEachOrder(order: WordOrder, words: [UInt16]) throws {
        let codec = RegisterCodec(valueType: .uint64, order: order)
        #expect(try codec.encode(.uint(0x0102_0304_0506_0708)) == words)
        #expect(try codec.decode(words) == .uint(0x0102_0304_0506_0708))
    }

    @Test func byteSwapOnOneRegister() throws {
        #expect(try RegisterCodec(valueType: .uint16, order: .badc).encode(.uint(0x1234)) == [0x3412])
        #expect(try RegisterCodec(valueType: .uint16, order: .badc).decode([0x3412]) == .uint(0x1234))
    }

    @Test func boolIsAnyNonZeroRegister() throws {
        let codec = RegisterCodec(valueType: .bool)
        #expect(try codec.encode(.bool(true)) == [1])
        #expect(try codec.encode(.bool(false)) == [0])
        #expect(try codec.decode([0x8000]) == .bool(true))
        #expect(try codec.encode(.int(1)) == [1])
    }

    @Test func stringsAreTwoCharactersPerRegisterPaddedWithNul() throws {
        let codec = RegisterCodec(valueType: .string(registers: 5))
        #expect(try codec.encode(.string("B1")) == [0x4231, 0, 0, 0, 0])
        #expect(try codec.decode([0x4231, 0, 0, 0, 0]) == .string("B1"))
    }

    @Test func stringsDropTrailingSpacesAndNulsOnly() throws {
        let codec = RegisterCodec(valueType: .string(registers: 3))
        #expect(try codec.decode([0x2041, 0x2042, 0x2000]) == .string(" A B"))
    }

    @Test func byteSwappedStringsSwapInsideEachRegister() throws {
        let codec = RegisterCodec(valueType: .string(registers: 2), order: .badc)
        #expect(try codec.encode(.string("ABC")) == [0x4241, 0x0043])
        #expect(try codec.decode([0x4241, 0x0043]) == .string("ABC"))
    }

    @Test func stringsIgnoreWordSwap() throws {
        let codec = RegisterCodec(valueType: .string(registers: 2), order: .cdab)
        #expect(try codec.encode(.string("ABCD")) == [0x4142, 0x4344])
    }

    @Test func decodeManySplitsConsecutiveValues() throws {
        let codec = RegisterCodec(valueType: .float32)
        let values = try codec.decodeMany([0x4180, 0, 0xC180, 0, 0x3F80, 0, 0, 0])
        #expect(values == [.float(16), .float(-16), .float(1), .float(0)])
    }

    @Test func decodeManyRefusesAPartialValue() {
        let error = #expect(throws: CodecError.self) {
            try RegisterCodec(valueType: .float32).decodeMany([0x4180, 0, 0xC180])
        }
        #expect(error?.kind == .wrongRegisterCount)
        #expect(error?.message == "3 registers are not a whole number of float32 values of 2 registers each")
    }

    @Test func decodeRefusesTheWrongRegisterCount() {
        let error = #expect(throws: CodecError.self) {
            try RegisterCodec(valueType: .uint32).decode([0x0001])
        }
        #expect(error?.description == "uint32 takes 2 registers, got 1")
    }
}
