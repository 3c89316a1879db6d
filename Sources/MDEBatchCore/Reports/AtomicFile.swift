import Foundation

/// Writes a report where ``OutputPath`` says: a regular file so that a reader sees the old
/// file or the whole new one, never half of it; a device, FIFO or standard output in place.
enum AtomicFile {
    /// Streams `body`'s chunks to `path`.
    ///
    /// A regular file (or a new one) gets a temporary file beside it, created with mode
    /// 0600, renamed over it at the end; a device, FIFO or socket is opened and written; `-`
    /// and `/dev/stdout` are standard output.
    ///
    /// - Throws: ``OutputPathError`` when the path cannot be used; ``OutputWriteError`` when
    ///   writing fails (disk full, read-only); what `body` throws. The temporary file is
    ///   removed and `path` is left as it was.
    static func write(to path: String, _ body: ((Data) throws -> Void) throws -> Void) throws {
        switch try OutputPath.check(path) {
        case .descriptor(let descriptor):
            try body { chunk in try writeAll(descriptor, chunk, path: path) }
        case .inPlace(let device):
            let descriptor = open(device, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw OutputWriteError(path: path, reason: String(cString: strerror(errno))) }
            defer { close(descriptor) }
            try body { chunk in try writeAll(descriptor, chunk, path: path) }
        case .file(let file):
            try replace(file, shown: path, body)
        }
    }

    private static func replace(_ file: String, shown: String, _ body: ((Data) throws -> Void) throws -> Void) throws {
        let url = URL(fileURLWithPath: file)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        unlink(temporary)
        // Created 0600 from the first byte: the report holds the fleet's ids and comments.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw OutputWriteError(path: shown, reason: String(cString: strerror(errno))) }
        var open = true
        do {
            try body { chunk in try writeAll(descriptor, chunk, path: shown) }
            guard fsync(descriptor) == 0 else { throw OutputWriteError(path: shown, reason: String(cString: strerror(errno))) }
            open = false
            guard close(descriptor) == 0 else {
                throw OutputWriteError(path: shown, reason: String(cString: strerror(errno)))
            }
            // rename(2) replaces the old report atomically: a reader never sees half a file.
            guard rename(temporary, file) == 0 else {
                throw OutputWriteError(path: shown, reason: String(cString: strerror(errno)))
            }
        } catch {
            if open { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }

    /// Writes every byte of `chunk`, retrying short writes and interruptions.
    private static func writeAll(_ descriptor: Int32, _ chunk: Data, path: String) throws {
        try chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw OutputWriteError(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }
}
