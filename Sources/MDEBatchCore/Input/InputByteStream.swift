import Crypto
import Foundation

/// Reads one input's bytes in chunks as UTF-8, hashing the raw bytes as they pass.
///
/// A UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark (Excel's "Unicode
/// Text") is transcoded to UTF-8. An unpaired surrogate or a dangling odd byte becomes the
/// byte `0xFF`, which is never valid UTF-8, so the row holding it is rejected as
/// `invalid-encoding` instead of being silently altered.
///
/// Reads go straight into the caller's buffer (no `Data`), so the hot path does one
/// `read(2)` and one SHA-256 update per chunk.
final class InputByteStream {
    /// The encoding found from the byte-order mark.
    enum Encoding: Equatable {
        case utf8, utf16LittleEndian, utf16BigEndian
    }

    let name: String
    private(set) var encoding: Encoding = .utf8
    private let descriptor: Int32
    private let closesDescriptor: Bool
    private var hasher = SHA256()
    private var prefix: [UInt8] = []
    private var sniffed = false
    private var rawEnded = false
    private var raw: UnsafeMutableRawBufferPointer?
    private var oddByte: UInt8?
    private var highSurrogate: UInt16?

    /// Opens a file for reading.
    ///
    /// - Throws: ``InputError/fileNotFound(path:)`` or ``InputError/unreadable(path:reason:)``.
    init(path: String) throws {
        name = path
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw InputError.fileNotFound(path: path) }
            throw InputError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError.unreadable(path: path, reason: "it is a directory")
        }
        descriptor = fd
        closesDescriptor = true
    }

    /// Reads an open descriptor such as standard input; it is not closed.
    init(descriptor: Int32, name: String) {
        self.name = name
        self.descriptor = descriptor
        closesDescriptor = false
    }

    deinit {
        if closesDescriptor { close(descriptor) }
        raw?.deallocate()
    }

    /// Reads UTF-8 bytes into `destination`; returns how many, 0 only at the end.
    ///
    /// - Precondition: `destination` holds at least 16 bytes.
    func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        if !sniffed { try sniffEncoding() }
        switch encoding {
        case .utf8:
            if !prefix.isEmpty {
                let count = min(prefix.count, destination.count)
                for index in 0..<count { destination[index] = prefix[index] }
                prefix.removeFirst(count)
                return count
            }
            guard let base = destination.baseAddress, !rawEnded else { return 0 }
            let count = try readRaw(into: UnsafeMutableRawPointer(base), count: destination.count)
            if count == 0 { rawEnded = true }
            return count
        case .utf16LittleEndian, .utf16BigEndian:
            return try readTranscoding(into: destination)
        }
    }

    /// Reads and hashes whatever is left, then returns the SHA-256 of every raw byte read.
    func finish() throws -> SHA256.Digest {
        if !sniffed { try sniffEncoding() }
        if !rawEnded {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
            defer { scratch.deallocate() }
            while let base = scratch.baseAddress, try readRaw(into: base, count: scratch.count) > 0 {}
            rawEnded = true
        }
        return hasher.finalize()
    }

    // MARK: - Raw reading

    private func readRaw(into pointer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let result = Foundation.read(descriptor, pointer, count)
            if result > 0 {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: pointer, count: result))
                return result
            }
            if result == 0 { return 0 }
            let code = errno
            if code == EINTR { continue }
            throw InputError.unreadable(path: name, reason: String(cString: strerror(code)))
        }
    }

    private func sniffEncoding() throws {
        sniffed = true
        var head = [UInt8](repeating: 0, count: 4)
        var filled = 0
        while filled < 4 {
            let count = try head.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { return 0 }
                return try readRaw(into: base + filled, count: 4 - filled)
            }
            if count == 0 {
                rawEnded = true
                break
            }
            filled += count
        }
        head.removeLast(4 - filled)
        if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            throw InputError.unsupportedEncoding(source: name, encoding: "UTF-32 (little-endian)")
        } else if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw InputError.unsupportedEncoding(source: name, encoding: "UTF-32 (big-endian)")
        } else if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            prefix = Array(head.dropFirst(3))
        } else if head.starts(with: [0xFF, 0xFE]) {
            encoding = .utf16LittleEndian
            prefix = Array(head.dropFirst(2))
        } else if head.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16BigEndian
            prefix = Array(head.dropFirst(2))
        } else {
            prefix = head
        }
    }

    // MARK: - UTF-16

    private func readTranscoding(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        let rawCapacity = 1 << 20
        if raw == nil { raw = .allocate(byteCount: rawCapacity, alignment: 8) }
        guard let rawBuffer = raw, let rawBase = rawBuffer.baseAddress else { return 0 }
        var written = 0
        while written == 0 {
            // Every UTF-16 code unit (2 bytes) becomes at most 3 UTF-8 bytes, and a pair at most 4.
            var available = 0
            if let odd = oddByte {
                rawBase.storeBytes(of: odd, as: UInt8.self)
                available = 1
                oddByte = nil
            }
            for byte in prefix {
                rawBase.storeBytes(of: byte, toByteOffset: available, as: UInt8.self)
                available += 1
            }
            prefix.removeAll()
            let wanted = min(rawCapacity, (destination.count - 8) / 3 * 2) - available
            if !rawEnded && wanted > 0 {
                let count = try readRaw(into: rawBase + available, count: wanted)
                if count == 0 { rawEnded = true }
                available += count
            }
            let bytes = UnsafeRawBufferPointer(start: rawBase, count: available)
            var index = 0
            while index + 1 < available {
                let unit: UInt16 =
                    encoding == .utf16LittleEndian
                    ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                    : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                index += 2
                written += emit(unit, into: destination, at: written)
            }
            if index < available { oddByte = bytes[index] }
            if rawEnded {
                if highSurrogate != nil || oddByte != nil {
                    destination[written] = 0xFF
                    written += 1
                    highSurrogate = nil
                    oddByte = nil
                }
                break
            }
        }
        return written
    }

    private func emit(_ unit: UInt16, into destination: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        var offset = offset
        let start = offset
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                destination[offset] = UInt8(0xF0 | (scalar >> 18))
                destination[offset + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                destination[offset + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                destination[offset + 3] = UInt8(0x80 | (scalar & 0x3F))
                return 4
            }
            destination[offset] = 0xFF
            offset += 1
        }
        switch unit {
        case 0..<0x80:
            destination[offset] = UInt8(unit)
            offset += 1
        case 0x80..<0x800:
            destination[offset] = UInt8(0xC0 | (unit >> 6))
            destination[offset + 1] = UInt8(0x80 | (unit & 0x3F))
            offset += 2
        case 0xD800...0xDBFF:
            highSurrogate = unit
        case 0xDC00...0xDFFF:
            destination[offset] = 0xFF
            offset += 1
        default:
            destination[offset] = UInt8(0xE0 | (unit >> 12))
            destination[offset + 1] = UInt8(0x80 | ((unit >> 6) & 0x3F))
            destination[offset + 2] = UInt8(0x80 | (unit & 0x3F))
            offset += 3
        }
        return offset - start
    }
}
