import Modbus
import Testing

struct RegisterCodecEngineeringTests {
    let soc = RegisterCodec(valueType: .uint16, scale: 0.1)

    @Test func scaledStateOfChargeReads() throws {
        #expect(try soc.engineeringValue([655]) == 65.5)
    }

    @Test func scaledStateOfChargeWritesWithTheSameScale() throws {
        #expect(try soc.encode(engineering: 65.5) == [655])
    }

    @Test func decimalScalesStayDecimal() throws {
        #expect(try soc.engineeringValue([3]) == 0.3)
        let centi = RegisterCodec(valueType: .int32, scale: 0.01)
        #expect(try centi.engineeringValue([0, 1234]) == 12.34)
        #expect(try centi.encode(engineering: 12.34) == [0, 1234])
    }

    @Test func offsetIsAddedOnReadAndRemovedOnWrite() throws {
        // A temperature register in tenths of a kelvin, shown in °C.
        let celsius = RegisterCodec(valueType: .uint16, scale: 0.1, offset: -273.15)
        // 298.2 − 273.15 is not exact in binary; only the scale step is kept decimal.
        #expect(abs(try celsius.engineeringValue([2982]) - 25.05) < 1e-9)
        #expect(try celsius.encode(engineering: 25.05) == [2982])
    }

    @Test func wholeOffsetsStayExact() throws {
        // Battery cell temperatures offset by 40 °C so that the register stays unsigned.
        let cell = RegisterCodec(valueType: .uint16, offset: -40)
        #expect(try cell.engineeringValue([65]) == 25)
        #expect(try cell.encode(engineering: -10) == [30])
    }

    @Test func scaleAboveOneInverts() throws {
        let kilowatts = RegisterCodec(valueType: .int32, scale: 1000)
        #expect(try kilowatts.engineeringValue([0xFFFF, 0xFFFE]) == -2000)
        #expect(try kilowatts.encode(engineering: -2000) == [0xFFFF, 0xFFFE])
    }

    @Test func integerTypesRoundToTheNearestRawValue() throws {
        #expect(try soc.encode(engineering: 65.54) == [655])
        #expect(try soc.encode(engineering: 65.56) == [656])
        #expect(try RegisterCodec(valueType: .int16).encode(engineering: -2.5) == [0xFFFD])
    }

    @Test func floatsAreStoredUnrounded() throws {
        let codec = RegisterCodec(valueType: .float32, scale: 0.5)
        #expect(try codec.encode(engineering: 8.25) == [0x4184, 0x0000])
    }

    @Test func float32ReadsAsItsShortestDecimal() throws {
        let codec = RegisterCodec(valueType: .float32)
        #expect(try codec.engineeringValue(try codec.encode(.float(230.1))) == 230.1)
    }

    @Test func outOfRangeNamesTheRawValue() {
        let error = #expect(throws: CodecError.self) { try soc.encode(engineering: 7000) }
        #expect(error?.message == "7000 (raw 70000) does not fit uint16 (0…65535)")
    }

    @Test func nonFiniteValuesAreRefusedForIntegers() {
        let error = #expect(throws: CodecError.self) { try soc.encode(engineering: .nan) }
        #expect(error?.kind == .notAWholeNumber)
    }

    @Test func zeroScaleCannotBeInverted() {
        let error = #expect(throws: CodecError.self) {
            try RegisterCodec(valueType: .uint16, scale: 0).encode(engineering: 1)
        }
        #expect(error?.kind == .invalidScale)
    }

    @Test func textHasNoEngineeringValue() {
        let error = #expect(throws: CodecError.self) {
            try RegisterCodec(valueType: .string(registers: 1)).engineeringValue([0x4142])
        }
        #expect(error?.kind == .typeMismatch)
    }

    @Test func boolReadsAsZeroOrOne() throws {
        #expect(try RegisterCodec(valueType: .bool).engineeringValue([7]) == 1)
    }
}
