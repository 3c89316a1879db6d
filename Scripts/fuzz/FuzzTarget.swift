// Fuzz build only (Scripts/fuzz.sh): the libFuzzer entry point. Compiled in one module with
// Sources/MDEBatchCore/Input and Validation, so it reaches the readers' internals.
//
// The first byte chooses the reader and its options; the rest is the file. Each run writes
// the file to a memory-backed descriptor and reads it with
//   - the ingest pipeline (delimited, JSON lines or JSON array, validation, deduplication), or
//   - the action-id reader of `cancel --from-report` (the same four formats),
// and traps when an invariant of their contract breaks: a crash is a finding, and so is a
// wrong answer that the checks below can see.

#if canImport(Glibc)
import Glibc
#endif
import Foundation

private let formats: [InputFormat] = [.csv, .tsv, .jsonl, .json]
private let hex = Set("0123456789abcdef".utf8)

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fputs("fuzz invariant broken: \(message())\n", stderr)
        abort()
    }
}

/// One file in shared memory (/dev/shm when there is one), rewritten for every input.
private let scratch: (fd: Int32, path: String) = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = "\(folder)/mdebatch-fuzz-\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path): \(String(cString: strerror(errno)))")
    atexit { unlink("\(FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())/mdebatch-fuzz-\(getpid())") }
    return (fd, path)
}()

/// The file `bytes` at a path the readers open like any other file.
private func withFile<R>(_ bytes: UnsafeRawBufferPointer, _ body: (String) throws -> R) rethrows -> R {
    precondition(ftruncate(scratch.fd, 0) == 0)
    var written = 0
    while written < bytes.count {
        let n = pwrite(scratch.fd, bytes.baseAddress! + written, bytes.count - written, off_t(written))
        precondition(n > 0)
        written += n
    }
    return try body(scratch.path)
}

private func fuzzIngest(path: String, selector: UInt8) {
    var options = IngestOptions()
    options.format = formats[Int(selector & 3)]
    if selector & 0x08 != 0 { options.defaultComment = "fuzz default" }
    if selector & 0x10 != 0 { options.machineColumn = "m" }
    if selector & 0x20 != 0 { options.commentColumn = "c;x" }
    // The same file twice: the second copy's valid rows must all be duplicates.
    let sources: [InputSource] = selector & 0x40 != 0 ? [.file(path: path), .file(path: path)] : [.file(path: path)]
    var rows = 0
    var valid = 0
    var duplicates = 0
    var lastLine = [String: Int]()
    let summary = try! IngestPipeline(options: options).run(sources) { row in
        rows += 1
        check(row.location.line >= 1, "line \(row.location.line) < 1")
        check(row.location.line >= lastLine[row.location.source, default: 0] || sources.count > 1,
              "lines go backwards: \(row.location.line) after \(lastLine[row.location.source, default: 0])")
        lastLine[row.location.source] = row.location.line
        switch row.verdict {
        case .valid(let normalized):
            valid += 1
            // A device by id (40 hex) or by a name to resolve; a file by SHA-1 (40 hex) or a SHA-256 to resolve.
            check((normalized.machineId.utf8.count == 40 && normalized.machineId.utf8.allSatisfy(hex.contains))
                  || (normalized.machineId.isEmpty && !(normalized.deviceName ?? "").isEmpty
                      && !(normalized.deviceName ?? "").unicodeScalars.contains { $0.value <= 0x20 }),
                  "valid machine id \(normalized.machineId.debugDescription) / name \(String(describing: normalized.deviceName))")
            check((normalized.sha1.utf8.count == 40 && normalized.sha1.utf8.allSatisfy(hex.contains))
                  || (normalized.sha1.isEmpty && normalized.sha256?.utf8.count == 64
                      && normalized.sha256!.utf8.allSatisfy(hex.contains)),
                  "valid sha1 \(normalized.sha1.debugDescription) / sha256 \(String(describing: normalized.sha256))")
            let scalars = normalized.comment.unicodeScalars
            check(!scalars.isEmpty, "valid row with an empty comment")
            check(scalars.count <= RowValidator.maximumCommentLength
                  && normalized.comment.utf8.count <= RowValidator.maximumCommentBytes,
                  "comment of \(scalars.count) scalars passed")
            check(!scalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                  "control character in a valid comment")
            check(normalized.comment.unicodeScalars.first != " " && normalized.comment.unicodeScalars.last != " ",
                  "valid comment not trimmed: \(normalized.comment.debugDescription)")
        case .duplicate:
            duplicates += 1
        case .invalid(_, let message):
            check(!message.isEmpty, "rejection without a message")
        }
    }
    check(summary.rowCount == rows, "rowCount \(summary.rowCount) != rows \(rows)")
    check(summary.validCount == valid && summary.duplicateCount == duplicates,
          "counts \(summary.validCount)/\(summary.duplicateCount) != \(valid)/\(duplicates)")
    check(summary.validCount + summary.duplicateCount + summary.invalidCount == summary.rowCount,
          "valid + duplicate + invalid != rows")
    check(summary.fingerprint.utf8.count == 64, "fingerprint \(summary.fingerprint)")
    if sources.count == 2 && summary.fileErrors.isEmpty {
        check(valid * 2 <= rows, "the second copy added valid rows: \(valid) of \(rows)")
    }
}

private func fuzzActionIds(path: String, selector: UInt8) {
    let format = formats[Int(selector & 3)]
    let reader = ActionIdReader(format: format, column: selector & 0x10 != 0 ? "x" : nil)
    var lastLine = 0
    do {
        let digest = try reader.read(path: path) { row in
            check(row.location.line >= lastLine, "action-id lines go backwards")
            lastLine = row.location.line
        }
        check(digest.utf8.count == 64, "digest \(digest)")
    } catch is InputError {
        // An unusable file is a documented answer (exit 65).
    } catch {
        check(false, "the action-id reader threw \(type(of: error)): \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    withFile(body) { path in
        if selector & 0x04 == 0 { fuzzIngest(path: path, selector: selector) } else { fuzzActionIds(path: path, selector: selector) }
    }
    return 0
}
