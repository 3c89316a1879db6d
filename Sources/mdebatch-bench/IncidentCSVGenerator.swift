import Foundation

/// Writes a synthetic incident spreadsheet like the ones analysts export: CRLF, extra
/// columns, 15 % quoted comments with commas, 5 % with doubled quotes, 0.1 % with a line
/// break, about 1 % invalid rows and about 1 % duplicates of earlier rows.
struct IncidentCSVGenerator {
    var rows: Int
    var seed: UInt64 = 0x5EED_2026_1121

    /// Writes the file and returns its size in bytes.
    func write(to url: URL) throws -> Int {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var random = SplitMix64(state: seed)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var total = 0
        var recent: [(machine: [UInt8], sha1: [UInt8])] = []
        buffer += Array("AlertId,DeviceName,DeviceId,SHA1,Comment,Severity\r\n".utf8)
        for index in 0..<rows {
            var machine = hex(40, &random)
            var sha1 = hex(40, &random)
            let roll = random.next() % 1000
            if roll < 10, !recent.isEmpty {
                // A duplicate of a recent row (upper-cased now and then, as pasted from Excel).
                let earlier = recent[Int(random.next() % UInt64(recent.count))]
                machine = roll < 3 ? earlier.machine.map { $0 >= 0x61 ? $0 - 0x20 : $0 } : earlier.machine
                sha1 = earlier.sha1
            } else if roll < 13 {
                sha1 = hex(64, &random)
            } else if roll < 16 {
                sha1 = hex(32, &random)
            } else if roll < 18 {
                machine.removeLast(5)
            } else if roll < 20 {
                machine = []
            }
            if recent.count < 4096 {
                recent.append((machine, sha1))
            } else {
                recent[Int(random.next() % 4096)] = (machine, sha1)
            }
            buffer += Array("da\(index)_\(index % 977),WS-\(index % 10_000).contoso.local,".utf8)
            buffer += machine
            buffer.append(0x2C)
            buffer += sha1
            buffer.append(0x2C)
            let style = random.next() % 1000
            if style < 1 {
                buffer += Array("\"INC-\(index): two alerts\r\nsecond line, see ticket\"".utf8)
            } else if style < 50 {
                buffer += Array("\"INC-\(index): user said \"\"not me\"\", quarantine\"".utf8)
            } else if style < 150 {
                buffer += Array("\"INC-\(index): dropper, seen on WS-\(index % 10_000), quarantine\"".utf8)
            } else if style < 152 {
                // An empty comment: rejected unless a default is given.
            } else {
                buffer += Array("INC-\(index): suspicious binary flagged by EDR".utf8)
            }
            buffer += Array(",High\r\n".utf8)
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                total += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
        total += buffer.count
        return total
    }

    private func hex(_ count: Int, _ random: inout SplitMix64) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var result = [UInt8](repeating: 0, count: count)
        var bits = random.next()
        for index in 0..<count {
            if index % 16 == 0 { bits = random.next() }
            result[index] = digits[Int(bits & 0xF)]
            bits >>= 4
        }
        return result
    }
}

/// A small, fast, seeded generator (the benchmark must be reproducible).
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
