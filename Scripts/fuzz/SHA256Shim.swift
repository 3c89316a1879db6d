// Fuzz build only (Scripts/fuzz.sh): stands in for swift-crypto's `SHA256`, so the readers
// compile without the package's dependency graph. It is FNV-1a, not SHA-256: the fuzzer
// exercises parsing, and no fingerprint it computes is ever stored.

struct SHA256 {
    struct Digest: Sequence {
        var bytes: [UInt8]
        func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
        func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try bytes.withUnsafeBytes(body)
        }
    }

    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    init() {}

    mutating func update(bufferPointer: UnsafeRawBufferPointer) {
        for byte in bufferPointer { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    mutating func update<D: Sequence>(data: D) where D.Element == UInt8 {
        for byte in data { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    func finalize() -> Digest {
        Digest(bytes: (0..<32).map { UInt8(truncatingIfNeeded: state >> (UInt64($0 % 8) * 8)) })
    }
}
