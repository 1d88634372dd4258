/// Register words written out from the Modbus rule (big-endian, high word first, two's
/// complement, IEEE 754), so that tests compare the gateway's writes with an encoding that is
/// not busbar's codec.
enum ModbusWords {
    static func int16(_ value: Int16) -> [UInt16] { [UInt16(bitPattern: value)] }
    static func uint32(_ value: UInt32) -> [UInt16] { [UInt16(value >> 16), UInt16(value & 0xFFFF)] }
    static func int32(_ value: Int32) -> [UInt16] { uint32(UInt32(bitPattern: value)) }
    static func float32(_ value: Float) -> [UInt16] { uint32(value.bitPattern) }

    /// The signed value of one register.
    static func int16Value(_ word: UInt16) -> Int { Int(Int16(bitPattern: word)) }

    /// The signed value of two registers, high word first.
    static func int32Value(_ words: [UInt16]) -> Int? {
        guard words.count == 2 else { return nil }
        return Int(Int32(bitPattern: UInt32(words[0]) << 16 | UInt32(words[1])))
    }
}
