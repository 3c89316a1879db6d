/// Remembers the first location of every `(machineId, sha1)` key across all inputs of a run.
///
/// An open-addressing table of 64-bit slots (a 32-bit hash tag and an index) over two
/// parallel arrays (keys and packed locations) rather than a
/// `Dictionary<DedupKey, RowLocation>`: a million keys take about 65 MB instead of well over
/// 100 MB, the table never holds a `String`, and the tag keeps a probe from touching the
/// key array (a cache miss) unless the hashes agree.
struct Deduplicator: Sendable {
    private var keys: [DedupKey] = []
    /// `sourceIndex << 44 | line`.
    private var locations: [UInt64] = []
    private var sources: [String] = []
    /// 0 is empty; otherwise `tag << 32 | (index + 1)`.
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 12)

    init() {}

    /// The number of distinct keys seen.
    var count: Int { keys.count }

    /// Registers an input name; rows from it pass the returned index.
    mutating func addSource(_ name: String) -> Int {
        sources.append(name)
        return sources.count - 1
    }

    /// Records `key` at `line` of source `sourceIndex` when it is new (returns `nil`), or
    /// returns where it was first seen.
    mutating func firstOccurrence(of key: DedupKey, source sourceIndex: Int, line: Int) -> RowLocation? {
        if (keys.count + 1) * 4 > slots.count * 3 { grow() }
        let hash = key.mixed
        let tag = hash >> 32
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 {
                keys.append(key)
                locations.append(UInt64(sourceIndex) << 44 | UInt64(line))
                slots[slot] = tag << 32 | UInt64(keys.count)
                return nil
            }
            if entry >> 32 == tag {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if keys[index] == key {
                    let packed = locations[index]
                    return RowLocation(source: sources[Int(packed >> 44)], line: Int(packed & (1 << 44 - 1)))
                }
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var fresh = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (index, key) in keys.enumerated() {
            let hash = key.mixed
            var slot = Int(truncatingIfNeeded: hash) & mask
            while fresh[slot] != 0 { slot = (slot + 1) & mask }
            fresh[slot] = (hash >> 32) << 32 | UInt64(index + 1)
        }
        slots = fresh
    }
}
