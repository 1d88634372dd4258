import Modbus
import Testing

struct ValueTypeTests {
    @Test func registerCountsFollowTheWidth() {
        #expect(ValueType.int16.registerCount == 1)
        #expect(ValueType.bool.registerCount == 1)
        #expect(ValueType.uint32.registerCount == 2)
        #expect(ValueType.float32.registerCount == 2)
        #expect(ValueType.int64.registerCount == 4)
        #expect(ValueType.float64.registerCount == 4)
        #expect(ValueType.string(registers: 5).registerCount == 5)
    }

    @Test(arguments: ValueType.fixedSizeTypes)
    func everyCanonicalNameReadsBack(type: ValueType) throws {
        let parsed = try #require(ValueType.parse(type.name))
        #expect(parsed.type == type)
        #expect(parsed.order == nil)
        #expect(ValueType.named(type.name) == type)
    }

    @Test func evccAndHomeAssistantAliasesAreAccepted() {
        #expect(ValueType.named("ieee754") == .float32)
        #expect(ValueType.named("bool16") == .bool)
        #expect(ValueType.named("Float32") == .float32)
        #expect(ValueType.named("string", registers: 8) == .string(registers: 8))
        #expect(ValueType.string(registers: 8).name == "string")
    }

    @Test(arguments: [
        ("int32s", ValueType.int32), ("uint32s", .uint32), ("float32s", .float32),
        ("int64s", .int64), ("uint64s", .uint64), ("float64s", .float64),
    ])
    func evccSuffixSMeansLowWordFirst(name: String, type: ValueType) throws {
        let parsed = try #require(ValueType.parse(name))
        #expect(parsed.type == type)
        #expect(parsed.order == .cdab)
    }

    @Test func namedRefusesNamesThatCarryAnOrderRatherThanDropIt() {
        #expect(ValueType.named("uint32s") == nil)
    }

    @Test func unknownOrIncompleteNamesAreRejected() {
        #expect(ValueType.parse("int8") == nil)
        #expect(ValueType.parse("int16s") == nil)
        #expect(ValueType.parse("string") == nil)
        #expect(ValueType.parse("string", registers: 0) == nil)
        #expect(ValueType.parse("uint32", registers: 1) == nil)
        #expect(ValueType.parse("uint32", registers: 2)?.type == .uint32)
    }
}
