import Foundation

/// Writes a job as one JSON document, `{"job": {...}, "summary": {...}, "items": [...]}` (docs/REPORTS.md, "The JSON report").
///
/// The header comes from aggregate queries and the items are streamed a thousand rows at a
/// time, so a million-row job is never in memory at once. With `lines`, it writes JSON lines
/// instead: one item per line and nothing else, so every line has the same keys (each item
/// names its job) and `cancel --from-report` or a BI loader can read the file line by line.
public struct JSONReportWriter: Sendable {
    /// JSON lines rather than one document.
    public var lines: Bool
    /// The report's `generatedAt`.
    public var now: Date

    public init(lines: Bool = false, now: Date) {
        self.lines = lines
        self.now = now
    }

    /// Writes the report of `jobId` to `path` (atomically: a temporary file renamed).
    public func write(jobId: String, store: StateStore, to path: String) throws {
        try AtomicFile.write(to: path) { chunk in try write(jobId: jobId, store: store, chunk: chunk) }
    }

    /// Streams the report in chunks of about a thousand rows.
    ///
    /// - Throws: `StoreError.unknownJob` naming the known jobs, before anything is written.
    public func write(jobId: String, store: StateStore, chunk: (Data) throws -> Void) throws {
        let itemEncoder = JSONEncoder()
        itemEncoder.outputFormatting = [.withoutEscapingSlashes]
        var text = Data()
        if !lines {
            let header = try ReportHeader.load(jobId: jobId, store: store, now: now)
            let headerEncoder = JSONEncoder()
            headerEncoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            text.append(contentsOf: Array(#"{"job":"#.utf8))
            text.append(try headerEncoder.encode(header.job))
            text.append(contentsOf: Array(#","summary":"#.utf8))
            text.append(try headerEncoder.encode(header.summary))
            text.append(contentsOf: Array(#","items":["#.utf8))
        } else {
            _ = try store.job(id: jobId)
        }
        var after: Int64 = 0
        var first = true
        while true {
            let rows = try store.rows(jobId: jobId, afterId: after, limit: 1000)
            guard let last = rows.last else { break }
            for row in rows {
                if !lines {
                    text.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
                }
                text.append(try itemEncoder.encode(ReportItem(row)))
                if lines { text.append(0x0A) }
                first = false
            }
            try chunk(text)
            text.removeAll(keepingCapacity: true)
            after = last.id
        }
        if !lines { text.append(contentsOf: Array("\n]}\n".utf8)) }
        if !text.isEmpty { try chunk(text) }
    }
}
