import Foundation

/// Writes a report of a job in any format of `mdebatch report` (docs/REPORTS.md).
public struct ReportWriter: Sendable {
    public var format: ReportFormat
    /// The report's generation time (JSON `summary.generatedAt`, Markdown header).
    public var now: Date
    /// The exact command that cancels the job's open actions (Markdown).
    public var cancelCommand: String

    public init(format: ReportFormat, now: Date, cancelCommand: String) {
        self.format = format
        self.now = now
        self.cancelCommand = cancelCommand
    }

    /// Streams the report of `jobId` in chunks.
    ///
    /// - Throws: `StoreError.unknownJob` naming the known jobs, before anything is written.
    public func write(jobId: String, store: StateStore, chunk: (Data) throws -> Void) throws {
        switch format {
        case .csv:
            _ = try store.job(id: jobId)
            try CSVReportWriter().write(jobId: jobId, store: store, chunk: chunk)
        case .json, .jsonl:
            try JSONReportWriter(lines: format == .jsonl, now: now).write(jobId: jobId, store: store, chunk: chunk)
        case .markdown:
            let text = try MarkdownReportWriter(now: now, cancelCommand: cancelCommand).render(jobId: jobId, store: store)
            try chunk(Data(text.utf8))
        }
    }

    /// Writes the report of `jobId` to `path` atomically: a reader sees the old file or the
    /// whole new one. An unknown job leaves `path` untouched.
    public func write(jobId: String, store: StateStore, to path: String) throws {
        _ = try store.job(id: jobId)
        try AtomicFile.write(to: path) { chunk in try write(jobId: jobId, store: store, chunk: chunk) }
    }
}
