import Modbus
import Testing

struct WordOrderTests {
    @Test func homeAssistantSwapNamesMapToOrders() {
        #expect(WordOrder(swap: "none") == .abcd)
        #expect(WordOrder(swap: "word") == .cdab)
        #expect(WordOrder(swap: "byte") == .badc)
        #expect(WordOrder(swap: "word_byte") == .dcba)
        #expect(WordOrder(swap: "both") == nil)
    }

    @Test func rawValuesAreTheLetterNames() {
        #expect(WordOrder.allCases.map(\.rawValue) == ["ABCD", "CDAB", "BADC", "DCBA"])
        #expect(WordOrder(rawValue: "CDAB") == .cdab)
    }

    @Test func wordSwapIsANoOpOnOneRegister() throws {
        let value = RegisterValue.uint(0x1234)
        #expect(try RegisterCodec(valueType: .uint16, order: .cdab).encode(value) == [0x1234])
        #expect(try RegisterCodec(valueType: .uint16, order: .badc).encode(value) == [0x3412])
        #expect(try RegisterCodec(valueType: .uint16, order: .dcba).encode(value) == [0x3412])
    }
}
