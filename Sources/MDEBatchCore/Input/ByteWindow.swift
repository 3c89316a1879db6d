import Foundation

/// A fixed buffer over an ``InputByteStream``: bytes `[start, end)` are read but not yet
/// consumed.
///
/// Readers scan from `start`; when a record runs past `end` they call ``refill()``, which
/// moves the unconsumed tail to the front and reads more behind it. The buffer never
/// grows, so memory stays flat however large the file is.
final class ByteWindow {
    let stream: InputByteStream
    let storage: UnsafeMutableBufferPointer<UInt8>
    var start = 0
    var end = 0
    private(set) var atEnd = false

    /// The first byte of the buffer (fixed for the window's life).
    let base: UnsafeMutablePointer<UInt8>

    init(stream: InputByteStream, capacity: Int) {
        self.stream = stream
        base = .allocate(capacity: capacity)
        storage = UnsafeMutableBufferPointer(start: base, count: capacity)
    }

    deinit { storage.deallocate() }

    /// The number of unconsumed bytes.
    var pending: Int { end - start }

    /// Compacts the window and reads more.
    ///
    /// - Returns: `false` at the end of the input.
    @discardableResult
    func refill() throws -> Bool {
        if atEnd { return false }
        if start > 0 {
            if end > start { memmove(base, base + start, end - start) }
            end -= start
            start = 0
        }
        precondition(storage.count - end >= 16, "ByteWindow is full; records must be bounded below its capacity")
        let count = try stream.read(into: UnsafeMutableBufferPointer(rebasing: storage[end...]))
        if count == 0 {
            atEnd = true
            return false
        }
        end += count
        return true
    }
}
