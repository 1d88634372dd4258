import Modbus
import Testing

struct RegisterCodecTextTests {
    @Test func decimalIntegers() throws {
        #expect(try RegisterCodec(valueType: .int16).encode(text: "-1") == [0xFFFF])
        #expect(try RegisterCodec(valueType: .uint32).encode(text: " 65536 ") == [0x0001, 0x0000])
        #expect(try RegisterCodec(valueType: .int16).encode(text: "1e3") == [1000])
    }

    @Test func sixtyFourBitIntegersKeepEveryDigit() throws {
        let largest = try RegisterCodec(valueType: .uint64).encode(text: "18446744073709551615")
        #expect(largest == [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF])
        #expect(try RegisterCodec(valueType: .int64).encode(text: "9007199254740993") == [0x0020, 0, 0, 0x0001])
    }

    @Test func hexIsTheRawRegisterBits() throws {
        #expect(try RegisterCodec(valueType: .uint16).encode(text: "0x1F") == [0x001F])
        #expect(try RegisterCodec(valueType: .int16).encode(text: "0xFFFF") == [0xFFFF])
        #expect(try RegisterCodec(valueType: .float32).encode(text: "0x41800000") == [0x4180, 0x0000])
        #expect(try RegisterCodec(valueType: .uint32, order: .cdab).encode(text: "0X00010002") == [0x0002, 0x0001])
        #expect(try RegisterCodec(valueType: .uint16, scale: 0.1).encode(text: "0x10") == [0x0010])
    }

    @Test func hexWiderThanTheTypeIsRefused() {
        let error = #expect(throws: CodecError.self) { try RegisterCodec(valueType: .int16).encode(text: "0x10000") }
        #expect(error?.message == "0x10000 does not fit int16 (16 bits)")
    }

    @Test func decimalTextIsAnEngineeringValue() throws {
        #expect(try RegisterCodec(valueType: .uint16, scale: 0.1).encode(text: "65.5") == [655])
        #expect(try RegisterCodec(valueType: .int16, scale: 0.1, offset: -273.15).encode(text: "25.05") == [2982])
    }

    @Test func fractionsNeedAScaleForIntegerTypes() {
        let error = #expect(throws: CodecError.self) { try RegisterCodec(valueType: .uint16).encode(text: "65.5") }
        #expect(error?.kind == .notAWholeNumber)
    }

    @Test func floats() throws {
        #expect(try RegisterCodec(valueType: .float32).encode(text: "16") == [0x4180, 0x0000])
        #expect(try RegisterCodec(valueType: .float64).encode(text: "-2.5") == [0xC004, 0, 0, 0])
    }

    @Test(arguments: ["true", "ON", "1", " on "])
    func boolTrueSpellings(text: String) throws {
        #expect(try RegisterCodec(valueType: .bool).encode(text: text) == [1])
    }

    @Test(arguments: ["false", "Off", "0"])
    func boolFalseSpellings(text: String) throws {
        #expect(try RegisterCodec(valueType: .bool).encode(text: text) == [0])
    }

    @Test func boolRefusesOtherWords() {
        let error = #expect(throws: CodecError.self) { try RegisterCodec(valueType: .bool).encode(text: "yes") }
        #expect(error?.message == "\"yes\" is not a bool; use true/false, on/off or 1/0")
    }

    @Test func stringsAreTakenAsGiven() throws {
        #expect(try RegisterCodec(valueType: .string(registers: 2)).encode(text: "B1") == [0x4231, 0])
    }

    @Test func garbageIsNotANumber() {
        let error = #expect(throws: CodecError.self) { try RegisterCodec(valueType: .uint16).encode(text: "12kW") }
        #expect(error?.kind == .invalidText)
        #expect(error?.message == "\"12kW\" is not a number; uint16 takes e.g. 42, -1.5 or 0x2A")
    }

    @Test func emptyHexIsNotANumber() {
        let error = #expect(throws: CodecError.self) { try RegisterCodec(valueType: .uint16).encode(text: "0x") }
        #expect(error?.kind == .invalidText)
    }
}
