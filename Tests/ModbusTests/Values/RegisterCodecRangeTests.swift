import Modbus
import Testing

struct RegisterCodecRangeTests {
    private func encodingError(_ type: ValueType, _ value: RegisterValue) -> CodecError? {
        #expect(throws: CodecError.self) { try RegisterCodec(valueType: type).encode(value) }
    }

    @Test func tooLargeForUInt16() {
        let error = encodingError(.uint16, .int(70000))
        #expect(error?.kind == .outOfRange)
        #expect(error?.message == "70000 does not fit uint16 (0…65535)")
    }

    @Test func negativeForUnsigned() {
        #expect(encodingError(.uint32, .int(-1))?.message == "-1 does not fit uint32 (0…4294967295)")
    }

    @Test func outsideInt16() {
        #expect(encodingError(.int16, .uint(32768))?.message == "32768 does not fit int16 (-32768…32767)")
    }

    @Test func uint64BeyondInt64Fits() throws {
        #expect(try RegisterCodec(valueType: .uint64).encode(.uint(.max)) == [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF])
        #expect(encodingError(.int64, .uint(.max))?.kind == .outOfRange)
    }

    @Test func fractionForAnInteger() {
        let error = encodingError(.int16, .float(2.5))
        #expect(error?.kind == .notAWholeNumber)
        #expect(error?.message == "2.5 is not a whole number; int16 stores integers only")
    }

    @Test func nanAndInfinityForAnInteger() {
        #expect(encodingError(.int32, .float(.nan))?.kind == .notAWholeNumber)
        #expect(encodingError(.uint16, .float(.infinity))?.kind == .notAWholeNumber)
    }

    @Test func wholeFloatsFitIntegers() throws {
        #expect(try RegisterCodec(valueType: .int16).encode(.float(-2)) == [0xFFFE])
    }

    @Test func tooLargeForFloat32() {
        #expect(encodingError(.float32, .float(1e40))?.message == "1e+40 does not fit float32 (±3.4028235e+38)")
    }

    @Test func boolTakesOnlyZeroOrOne() {
        #expect(encodingError(.bool, .int(2))?.message == "2 does not fit bool (0…1)")
    }

    @Test func textIntoANumber() {
        let error = encodingError(.uint16, .string("12"))
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message == "text \"12\" cannot be stored as uint16, which needs a number")
    }

    @Test func numberIntoText() {
        let error = encodingError(.string(registers: 2), .int(12))
        #expect(error?.message == "12 cannot be stored as string, which needs text")
    }

    @Test func stringLongerThanItsRegisters() {
        let error = encodingError(.string(registers: 2), .string("ABCDE"))
        #expect(error?.kind == .outOfRange)
        #expect(error?.message == "\"ABCDE\" (5 bytes) does not fit string (at most 4 bytes in 2 registers)")
    }
}
