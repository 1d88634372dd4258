import Modbus
import Testing

struct RegisterValueTests {
    @Test func wholeFloatsPrintWithoutAFraction() {
        #expect(RegisterValue.float(16.0).description == "16")
        #expect(RegisterValue.float(-3).description == "-3")
        #expect(RegisterValue.float(230.5).description == "230.5")
    }

    @Test func decodedFloat32PrintsItsShortestDigits() throws {
        let words = try RegisterCodec(valueType: .float32).encode(.float(0.1))
        let value = try RegisterCodec(valueType: .float32).decode(words)
        #expect(value.description == "0.1")
        #expect(value.doubleValue != 0.1, "the raw value keeps the float32's exact bits")
    }

    @Test func doublesThatNoFloat32HoldsPrintAsDoubles() {
        #expect(RegisterValue.float(0.1).description == "0.1")
        #expect(RegisterValue.float(1.0 / 3).description == "0.3333333333333333")
    }

    @Test func otherKindsPrintPlainly() {
        #expect(RegisterValue.int(-2).description == "-2")
        #expect(RegisterValue.uint(UInt64.max).description == "18446744073709551615")
        #expect(RegisterValue.string("B1").description == "B1")
        #expect(RegisterValue.bool(true).description == "true")
    }

    @Test func onlyTextHasNoDoubleValue() {
        #expect(RegisterValue.int(-2).doubleValue == -2)
        #expect(RegisterValue.uint(7).doubleValue == 7)
        #expect(RegisterValue.bool(true).doubleValue == 1)
        #expect(RegisterValue.string("1").doubleValue == nil)
    }

    @Test func aNaNEqualsANaNSoThatAMapWithAFloatSentinelEqualsItself() {
        #expect(RegisterValue.float(.nan) == .float(-.nan))
        #expect(Set([RegisterValue.float(.nan), .float(.nan)]).count == 1)
        #expect(RegisterValue.float(.nan) != .float(0))
        #expect(RegisterValue.float(1) != .int(1))
    }
}
