/// The formats of `mdebatch report` (docs/REPORTS.md).
public enum ReportFormat: String, Sendable, CaseIterable {
    /// The CSV of docs/REPORTS.md: fixed columns, one row per input row.
    case csv
    /// One JSON document: `{"job": {...}, "summary": {...}, "items": [...]}`.
    case json
    /// JSON lines: one item per line, each the same object as in `items` of the JSON report.
    case jsonl
    /// A summary for an incident ticket.
    case markdown
}
