import Foundation

/// A job's summary for an incident ticket (docs/REPORTS.md, "The Markdown report"): counts per outcome and per action
/// status, problems grouped by error code with a few example rows, and the command that
/// cancels the job's open actions.
///
/// It reads aggregates and a bounded number of example rows, never the whole job.
public struct MarkdownReportWriter: Sendable {
    /// The report's generation time.
    public var now: Date
    /// The exact command that cancels the job's open actions, e.g. `mdebatch cancel q-… --state …`.
    public var cancelCommand: String
    /// Example rows shown per group.
    public var examplesPerGroup: Int

    public init(now: Date, cancelCommand: String, examplesPerGroup: Int = 3) {
        self.now = now
        self.cancelCommand = cancelCommand
        self.examplesPerGroup = examplesPerGroup
    }

    /// Outcomes in the order a reader expects: the good news first.
    static let outcomeOrder = RowOutcome.allCases.map(\.rawValue)
    static let statusOrder = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"]

    /// Writes the report of `jobId` to `path` (atomically: a temporary file renamed).
    public func write(jobId: String, store: StateStore, to path: String) throws {
        let text = try render(jobId: jobId, store: store)
        try AtomicFile.write(to: path) { chunk in try chunk(Data(text.utf8)) }
    }

    /// The whole report.
    ///
    /// - Throws: `StoreError.unknownJob` naming the known jobs.
    public func render(jobId: String, store: StateStore) throws -> String {
        let header = try ReportHeader.load(jobId: jobId, store: store, now: now)
        let job = header.job
        let summary = header.summary
        var out: [String] = []
        out.append("# mdebatch \(job.kind) job `\(job.id)`")
        out.append("")
        out.append("- **State:** \(job.state)")
        out.append("- **Rows:** \(summary.rows)")
        out.append("- **Inputs:** \(job.inputs.map { "`\(Self.inline($0))`" }.joined(separator: ", "))")
        if let parent = job.parentJobId { out.append("- **Cancels the actions of job:** `\(parent)`") }
        out.append("- **Created:** \(job.createdAt)")
        if let tenant = job.tenant { out.append("- **Tenant:** `\(Self.inline(tenant))`") }
        if let base = job.apiBase { out.append("- **API:** \(Self.inline(base))") }
        out.append(
            "- **Action statuses as of:** "
                + (summary.lastStatusRefresh.map { "\($0) (last `status --refresh`)" } ?? "submission (never refreshed)"))
        out.append("- **Report generated:** \(summary.generatedAt)")
        out.append("")

        out.append("## Rows by outcome")
        out.append("")
        out.append("| Outcome | Rows |")
        out.append("| --- | ---: |")
        for (key, n) in Self.ordered(summary.outcomes, by: Self.outcomeOrder) { out.append("| \(key) | \(n) |") }
        out.append("| **total** | **\(summary.rows)** |")
        out.append("")

        out.append("## Actions by status")
        out.append("")
        if summary.trackedActions == 0 {
            out.append("No action was created.")
        } else {
            out.append("| Action status | Actions |")
            out.append("| --- | ---: |")
            for (key, n) in Self.ordered(summary.actionStatuses, by: Self.statusOrder) {
                out.append("| \(Self.cell(key)) | \(n) |")
            }
            let unread = summary.trackedActions - summary.actionStatuses.values.reduce(0, +)
            if unread > 0 { out.append("| (not read yet) | \(unread) |") }
            out.append("")
            out.append(
                "\(summary.openActions) of \(summary.trackedActions) actions are open (Pending or InProgress), \(summary.finalActions) are final."
            )
        }
        out.append("")

        let failures = try store.failureGroups(jobId: jobId, examples: examplesPerGroup)
        out.append("## Failures by error code")
        out.append("")
        if failures.isEmpty {
            out.append("No row failed or was rejected.")
            out.append("")
        }
        for group in failures {
            out.append(
                "### `\(Self.inline(group.errorCode ?? "(no code)"))`: \(group.count) \(group.key) row\(group.count == 1 ? "" : "s")"
            )
            out.append("")
            out.append("| File:line | Machine | HTTP | Message |")
            out.append("| --- | --- | --- | --- |")
            for row in group.examples {
                let machine = row.machineId.isEmpty ? row.deviceName ?? "" : row.machineId
                out.append(
                    "| \(Self.cell("\(row.source):\(row.line)")) | \(Self.cell(machine)) | \(row.httpStatus.map(String.init) ?? "") | \(Self.cell(row.errorMessage ?? "")) |"
                )
            }
            if group.count > group.examples.count {
                out.append("")
                out.append("…and \(group.count - group.examples.count) more (see the CSV or JSON report).")
            }
            out.append("")
        }

        let ambiguous = try store.ambiguousRows(jobId: jobId, limit: 50)
        if ambiguous.total > 0 {
            out.append("## Device names that match several devices")
            out.append("")
            out.append(
                "Nothing was sent for these rows. Put the right machine id in each, or run again with `--all-matches` to send to every candidate."
            )
            out.append("")
            out.append("| File:line | Name | Candidate machine | DNS name | Last seen | Health |")
            out.append("| --- | --- | --- | --- | --- | --- |")
            for row in ambiguous.rows {
                for candidate in row.machineCandidates {
                    out.append(
                        "| \(Self.cell("\(row.source):\(row.line)")) | \(Self.cell(row.deviceName ?? "")) | \(Self.cell(candidate.id)) | \(Self.cell(candidate.computerDnsName)) | \(candidate.lastSeen.map { MDEDate.formatSeconds($0) } ?? "") | \(Self.cell(candidate.healthStatus ?? "")) |"
                    )
                }
            }
            if ambiguous.total > ambiguous.rows.count {
                out.append("")
                out.append("…and \(ambiguous.total - ambiguous.rows.count) more rows (see the JSON report's `candidates`).")
            }
            out.append("")
        }

        let unsuccessful = try store.unsuccessfulActionGroups(jobId: jobId, examples: examplesPerGroup)
        if !unsuccessful.isEmpty {
            out.append("## Actions that did not succeed on the device")
            out.append("")
            for group in unsuccessful {
                out.append("### \(Self.inline(group.key)): \(group.count) action\(group.count == 1 ? "" : "s")")
                out.append("")
                out.append("| File:line | Machine | SHA-1 | Action |")
                out.append("| --- | --- | --- | --- |")
                for row in group.examples {
                    out.append(
                        "| \(Self.cell("\(row.source):\(row.line)")) | \(Self.cell(row.machineId)) | \(Self.cell(row.sha1)) | \(Self.cell(row.reportedActionId ?? "")) |"
                    )
                }
                if group.count > group.examples.count {
                    out.append("")
                    out.append("…and \(group.count - group.examples.count) more.")
                }
                out.append("")
            }
        }

        if job.kind == JobKind.quarantine.rawValue {
            out.append("## Cancel this job's open actions")
            out.append("")
            if summary.openActions == 0 {
                out.append(
                    "As last recorded no action of this job is open; cancelling would change nothing. Should that be stale:")
            } else {
                out.append(
                    "\(summary.openActions) action\(summary.openActions == 1 ? " is" : "s are") open as last recorded. To cancel them:"
                )
            }
            out.append("")
            out.append("```sh")
            out.append(cancelCommand)
            out.append("```")
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// `counts` with the known keys first in `order`, then the others by name.
    static func ordered(_ counts: [String: Int], by order: [String]) -> [(String, Int)] {
        let known = order.compactMap { key in counts[key].map { (key, $0) } }
        let others = counts.filter { !order.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return (known + others).filter { $0.1 > 0 }
    }

    /// Text made safe for a table cell: one line, `|` escaped, markup characters defused, at most 200 characters.
    public static func cell(_ text: String) -> String {
        var value = text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        if value.count > 200 { value = String(value.prefix(199)) + "…" }
        var escaped = ""
        for character in value {
            if "\\|`*_[]<>#".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Text for inside backticks: one line, without backticks.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}
