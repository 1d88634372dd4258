/// The order of bytes and words of a value spread over several registers.
///
/// The letters name the bytes of a big-endian value: `ABCD` is Modbus' own order, high word
/// first, high byte first. For 64-bit values, word swap reverses all four words (as evcc's
/// `uint64s` and Home Assistant's `swap: word` do), and byte swap swaps the two bytes inside
/// every register. A single register has no word to swap, so word swap is a no-op there.
public enum WordOrder: String, Sendable, CaseIterable {
    /// Big-endian, high word first: the Modbus default.
    case abcd = "ABCD"
    /// Word swap: low word first.
    case cdab = "CDAB"
    /// Byte swap inside each register, high word first.
    case badc = "BADC"
    /// Word swap and byte swap: fully little-endian.
    case dcba = "DCBA"

    /// Reads Home Assistant's `swap:` values: `none`, `word`, `byte`, `word_byte`.
    public init?(swap: String) {
        switch swap.lowercased() {
        case "none": self = .abcd
        case "word": self = .cdab
        case "byte": self = .badc
        case "word_byte": self = .dcba
        default: return nil
        }
    }

    var swapsWords: Bool { self == .cdab || self == .dcba }
    var swapsBytes: Bool { self == .badc || self == .dcba }

    /// Turns big-endian words into this order. Both swaps are their own inverse and commute,
    /// so the same call also turns words in this order back into big-endian ones.
    func arrange(_ words: [UInt16]) -> [UInt16] {
        let ordered = swapsWords ? Array(words.reversed()) : words
        return swapsBytes ? ordered.map(\.byteSwapped) : ordered
    }
}
