/// The deduplication key `(machineId, sha1)`: two 20-byte values packed into five
/// integers, so a million keys cost 40 MB and hashing never touches a `String`.
struct DedupKey: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Packs two validated 40-hex-digit values (either case).
    init(machineIdHex machine: UnsafeBufferPointer<UInt8>, sha1Hex sha1: UnsafeBufferPointer<UInt8>) {
        precondition(machine.count == 40 && sha1.count == 40)
        words = (
            Self.word(machine, from: 0, digits: 16),
            Self.word(machine, from: 16, digits: 16),
            Self.word(sha1, from: 0, digits: 16),
            Self.word(sha1, from: 16, digits: 16),
            Self.word(machine, from: 32, digits: 8) << 32 | Self.word(sha1, from: 32, digits: 8)
        )
    }

    /// The value of `digits` (8 or 16) hex digits starting at `start`, first digit most
    /// significant: eight digits at a time, all in one 64-bit register.
    @inline(__always)
    private static func word(_ hex: UnsafeBufferPointer<UInt8>, from start: Int, digits: Int) -> UInt64 {
        let raw = UnsafeRawPointer(hex.baseAddress.unsafelyUnwrapped + start)
        let high = pack8(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
        if digits == 8 { return high }
        return high << 32 | pack8(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// Turns eight ASCII hex digits (first digit in the lowest byte) into their 32-bit value.
    @inline(__always)
    private static func pack8(_ ascii: UInt64) -> UInt64 {
        // '0'...'9' -> 0...9; 'a'...'f' and 'A'...'F' -> 10...15 (bit 6 marks a letter).
        let nibbles = (ascii & 0x0F0F_0F0F_0F0F_0F0F) &+ ((ascii >> 6) & 0x0101_0101_0101_0101) &* 9
        let pairs = ((nibbles & 0x000F_000F_000F_000F) << 4) | ((nibbles >> 8) & 0x000F_000F_000F_000F)
        let quads = ((pairs & 0x0000_00FF_0000_00FF) << 8) | ((pairs >> 16) & 0x0000_00FF_0000_00FF)
        return ((quads & 0xFFFF) << 16) | ((quads >> 32) & 0xFFFF)
    }

    static func == (lhs: DedupKey, rhs: DedupKey) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3 && lhs.words.4 == rhs.words.4
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(mixed)
    }

    /// A cheap, well-spread 64-bit hash (the words are hex digests, but inputs may be
    /// sequential or share a machine id).
    var mixed: UInt64 {
        var hash = words.0 &* 0x9E37_79B9_7F4A_7C15
        hash ^= (words.1 &* 0xC2B2_AE3D_27D4_EB4F)
        hash ^= (words.2 &* 0x1656_67B1_9E37_79F9) >> 7
        hash ^= (words.3 &* 0x85EB_CA77_C2B2_AE63)
        hash ^= (words.4 &* 0x27D4_EB2F_1656_67C5) >> 13
        hash ^= hash >> 29
        hash &*= 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 32
        return hash
    }
}
