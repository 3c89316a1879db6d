import Foundation

/// Writes a job's rows as the CSV report (docs/REPORTS.md, "The CSV report").
///
/// Columns are fixed and in this order; times are UTC ISO-8601; fields are quoted per
/// RFC 4180 when needed; a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return at the start), in any locale's list separator, gets a `'` before
/// each such piece (``cell(_:)``), so opening a report never runs anything an attacker put
/// in a comment or a file name.
public struct CSVReportWriter: Sendable {
    public static let columns = [
        "job", "source", "line", "machine_id", "sha1", "comment", "outcome", "action_id", "action_status",
        "http_status", "error_code", "error_message", "attempts", "first_sent_at", "submitted_at", "cancel_status",
        "device_name", "input_hash",
    ]

    public init() {}

    /// Writes the whole report of `jobId` to `path` (atomically: a temporary file renamed).
    public func write(jobId: String, store: StateStore, to path: String) throws {
        try AtomicFile.write(to: path) { chunk in try write(jobId: jobId, store: store, chunk: chunk) }
    }

    /// Streams the report in chunks of about a thousand rows.
    public func write(jobId: String, store: StateStore, chunk: (Data) throws -> Void) throws {
        var text = Self.columns.joined(separator: ",") + "\r\n"
        var after: Int64 = 0
        while true {
            let rows = try store.rows(jobId: jobId, afterId: after, limit: 1000)
            guard let last = rows.last else { break }
            for row in rows { text += line(for: row) }
            try chunk(Data(text.utf8))
            text = ""
            after = last.id
        }
        if !text.isEmpty { try chunk(Data(text.utf8)) }
    }

    func line(for row: RowRecord) -> String {
        let cells: [String?] = [
            row.jobId, row.source, String(row.line), row.machineId, row.sha1, row.comment, row.outcome.rawValue,
            row.reportedActionId,
            row.actionStatus, row.httpStatus.map(String.init), row.errorCode, row.errorMessage, String(row.attempts),
            row.firstSentAt.map(ReportTime.format), row.submittedAt.map(ReportTime.format), row.cancelStatus,
            row.deviceName, row.inputHash,
        ]
        return cells.map { Self.cell($0 ?? "") }.joined(separator: ",") + "\r\n"
    }

    /// One CSV cell: neutralized if it, or any piece of it, looks like a formula; quoted
    /// if it needs to be.
    ///
    /// A spreadsheet may split a cell where this writer did not mean it to: Excel opens a
    /// `.csv` with the locale's list separator, `;` in much of Europe, and a paste splits
    /// on tabs. So the cell is cut at every `,`, `;` and tab, and every piece whose first
    /// non-blank, non-quote character starts a formula (`=`, `+`, `-`, `@`, their full-width forms,
    /// tab, carriage return) gets a `'` before it; a cell holding any of `,` `;` tab `"`
    /// or a line break is quoted (RFC 4180), so a reader that honours quotes sees one cell.
    public static func cell(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        var atPieceStart = true
        var needsQuotes = false
        for scalar in value.unicodeScalars {
            if atPieceStart {
                if formulaStarts.contains(scalar) {
                    out.append("'")
                    atPieceStart = false
                } else if scalar != " " && scalar != "\u{A0}" && scalar != "\"" {
                    // Blanks and quote marks before a formula do not stop a spreadsheet
                    // from reading it, so they do not end the piece's start.
                    atPieceStart = false
                }
            }
            if separators.contains(scalar) {
                needsQuotes = true
                atPieceStart = true
            } else if scalar == "\"" || scalar == "\n" || scalar == "\r" {
                needsQuotes = true
            }
            out.append(scalar)
        }
        let text = String(out)
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Where a spreadsheet may split a cell: the field separators of the common locales.
    static let separators: Set<Unicode.Scalar> = [",", ";", "\t"]
    /// What makes a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]
}

extension RowRecord {
    /// The action id a report shows: the row's own action, or for a cancel job's row the
    /// action it cancels (`targetActionId`).
    public var reportedActionId: String? { actionId ?? targetActionId }
}

/// UTC ISO-8601 times for reports.
public enum ReportTime {
    public static func format(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)
                .timeZone(separator: .omitted))
    }
}
