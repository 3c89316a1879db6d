/// Reads JSON lines: one object per line, blank lines skipped.
///
/// Lines end at LF, CRLF or CR (a JSON text cannot hold a raw line break, so any of them
/// ends a line). A malformed line becomes a `malformed-row` rejection and the next line is
/// read as usual; a line over the record limit becomes `row-too-long`.
final class JSONLinesReader {
    let source: String
    let maximumRecordBytes: Int
    private let window: ByteWindow
    private var cells: JSONObjectCells

    init(
        stream: InputByteStream, source: String, matcher: ColumnMatcher,
        maximumRecordBytes: Int = DelimitedReader.defaultMaximumRecordBytes
    ) {
        self.source = source
        self.maximumRecordBytes = maximumRecordBytes
        window = ByteWindow(stream: stream, capacity: max(4 * maximumRecordBytes, 1 << 16))
        cells = JSONObjectCells(source: source, matcher: matcher)
    }

    /// Reads every line and hands each non-blank one to `body` with its line number.
    ///
    /// - Throws: ``InputError/emptyFile(source:)`` for an input with no bytes at all, the
    ///   missing-column error of the first object, and whatever `body` throws.
    func forEachRow(_ body: (Int, RawRow) throws -> Void) throws {
        var line = 1
        var sawBytes = false
        var skipping = false
        var skippedBytes = 0
        var skipLine = 0
        while true {
            let base = window.base
            var index = window.start
            while index < window.end, base[index] != ASCII.lineFeed, base[index] != ASCII.carriageReturn { index += 1 }
            if window.pending > 0 { sawBytes = true }
            if index == window.end && !window.atEnd {
                if skipping || window.pending >= maximumRecordBytes {
                    if !skipping { skipLine = line }
                    skipping = true
                    skippedBytes += window.pending
                    window.start = window.end
                }
                try window.refill()
                continue
            }
            // A line (possibly the last, without a break) is [window.start, index).
            var next = index
            if index < window.end {
                next = index + 1
                if base[index] == ASCII.carriageReturn {
                    if next == window.end && !window.atEnd {
                        try window.refill()
                        continue
                    }
                    if next < window.end, base[next] == ASCII.lineFeed { next += 1 }
                }
            }
            let bytes = UnsafeBufferPointer(start: base + window.start, count: index - window.start)
            if skipping {
                skippedBytes += bytes.count
                let message =
                    "line \(skipLine) is \(skippedBytes) bytes long, over the limit of \(maximumRecordBytes) bytes; "
                    + "each line must be one JSON object"
                try body(
                    skipLine, .rejected(reason: .rowTooLong, message: message, machineId: "", sha1: "", comment: ""))
                skipping = false
                skippedBytes = 0
            } else if !RowValidator.trim(bytes).isEmpty {
                try cells.read(bytes, line: line, what: "line", body)
            }
            window.start = next
            if index < window.end { line += 1 }
            if window.pending == 0 && window.atEnd { break }
            if window.pending == 0 { try window.refill() }
            if window.pending == 0 && window.atEnd { break }
        }
        if !sawBytes { throw InputError.emptyFile(source: source) }
    }
}
