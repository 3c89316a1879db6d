import Foundation

/// Writes a file so that a reader sees the old file or the whole new one, never half of it.
enum AtomicFile {
    /// Streams `body`'s chunks into a temporary file beside `path`, then renames it over `path`.
    ///
    /// - Throws: what `body` throws, or a `CocoaError` when the file cannot be written; the
    ///   temporary file is removed and `path` is left as it was.
    static func write(to path: String, _ body: ((Data) throws -> Void) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        do {
            try body { chunk in try handle.write(contentsOf: chunk) }
            try handle.close()
            // rename(2) replaces the old report atomically: a reader never sees half a file.
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
