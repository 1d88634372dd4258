/// Coils and discrete inputs as Modbus packs them: eight per byte, the first bit in the least
/// significant position of the first byte (Modbus Application Protocol v1.1b3, §6.1).
public enum BitPacking {
    /// The bytes for `bits`; the unused high bits of the last byte are zero.
    package static func pack(_ bits: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit {
            bytes[index / 8] |= 1 << (index % 8)
        }
        return bytes
    }

    /// The first `count` bits of `bytes`. A short response does not get bits invented for it:
    /// at most `bytes.count × 8` bits come back.
    package static func unpack(_ bytes: some Collection<UInt8>, count: Int) -> [Bool] {
        let bytes = Array(bytes)
        let available = min(max(count, 0), bytes.count * 8)
        return (0..<available).map { index in bytes[index / 8] & (1 << (index % 8)) != 0 }
    }
}
