import Modbus
import Testing

struct BitPackingTests {
    /// The example of the Modbus spec §6.1: coils 20–38 read as CD 6B 05.
    let specBits: [Bool] = [
        true, false, true, true, false, false, true, true,
        true, true, false, true, false, true, true, false,
        true, false, true,
    ]

    @Test func packsLeastSignificantBitFirst() {
        #expect(BitPacking.pack(specBits) == [0xCD, 0x6B, 0x05])
        #expect(BitPacking.pack([]) == [])
    }

    @Test func unpacksTheRequestedCount() {
        #expect(BitPacking.unpack([0xCD, 0x6B, 0x05], count: 19) == specBits)
        #expect(BitPacking.unpack([0x01], count: 3) == [true, false, false])
    }

    @Test func unpackInventsNoBitsPastTheBytes() {
        #expect(BitPacking.unpack([0xFF], count: 12).count == 8)
    }
}
