import Foundation

/// The text of `mdebatch status`: a job's rows by outcome and its actions by status.
public struct StatusText: Sendable {
    public var header: ReportHeader
    /// Why this job was picked, when the user named none (e.g. "the latest job in …").
    public var note: String?
    /// The command that refreshes the statuses, suggested when they were never refreshed.
    public var refreshCommand: String
    /// Devices that keep rows waiting, with the action they are busy with.
    public var busyDevices: [BusyDevice]
    /// The job was a rehearsal on the embedded emulator, which is gone: nothing to refresh.
    public var rehearsal = false

    public init(header: ReportHeader, note: String? = nil, refreshCommand: String, busyDevices: [BusyDevice] = []) {
        self.header = header
        self.note = note
        self.refreshCommand = refreshCommand
        self.busyDevices = busyDevices
    }

    /// Reads what the text needs from the store.
    public static func load(jobId: String, store: StateStore, now: Date, note: String? = nil, refreshCommand: String) throws
        -> StatusText
    {
        var text = StatusText(
            header: try ReportHeader.load(jobId: jobId, store: store, now: now), note: note, refreshCommand: refreshCommand,
            busyDevices: try store.busyDevices(jobId: jobId))
        text.rehearsal = try store.job(id: jobId).effectivePlan.target?.isEmulator == true
        return text
    }

    public func render() -> String {
        let job = header.job
        let summary = header.summary
        var lines: [String] = []
        lines.append("Job \(job.id) (\(job.kind), \(job.state))" + (note.map { ": \($0)" } ?? ""))
        lines.append("  Created \(job.createdAt) from \(job.inputs.joined(separator: ", ")); \(summary.rows) rows.")
        if let parent = job.parentJobId { lines.append("  Cancels actions of job \(parent).") }
        let outcomes = MarkdownReportWriter.ordered(summary.outcomes, by: MarkdownReportWriter.outcomeOrder)
        lines.append("  Rows:    " + (outcomes.isEmpty ? "none" : outcomes.map { "\($0.1) \($0.0)" }.joined(separator: ", ")))
        if summary.trackedActions == 0 {
            lines.append("  Actions: none created yet")
        } else {
            var statuses = MarkdownReportWriter.ordered(summary.actionStatuses, by: MarkdownReportWriter.statusOrder)
                .map { "\($0.1) \($0.0)" }
            let unread = summary.trackedActions - summary.actionStatuses.values.reduce(0, +)
            if unread > 0 { statuses.append("\(unread) not read yet") }
            lines.append(
                "  Actions: \(summary.trackedActions) tracked: " + statuses.joined(separator: ", ")
                    + " (\(summary.openActions) open, \(summary.finalActions) final)")
            if let refreshed = summary.lastStatusRefresh {
                lines.append("  Statuses as of \(refreshed) (last refresh).")
            } else if rehearsal {
                lines.append(
                    "  Statuses as recorded at submission; a rehearsal's emulator is gone with its run, so they stay so.")
            } else {
                lines.append("  Statuses as recorded at submission; read the current ones with: \(refreshCommand)")
            }
        }
        if !busyDevices.isEmpty {
            lines.append("  Busy devices (rows wait for the action each is busy with; cancel it if it is stuck):")
            for device in busyDevices.prefix(20) {
                lines.append(
                    "    \(device.machineId): action \(device.actionId), open since \(MDEDate.formatSeconds(device.since)), \(device.rows) rows waiting"
                )
            }
            if busyDevices.count > 20 { lines.append("    … and \(busyDevices.count - 20) more (see the report)") }
        }
        return lines.joined(separator: "\n")
    }

    /// One line per `--refresh` round.
    public static func round(_ round: Int?, jobId: String, report: RefreshReport, tally: ActionTally) -> String {
        var parts = ["read \(report.read) of \(report.considered) open statuses"]
        var calls = ["\(report.listCalls) list call\(report.listCalls == 1 ? "" : "s")"]
        if report.getCalls > 0 { calls.append("\(report.getCalls) single GET\(report.getCalls == 1 ? "" : "s")") }
        if report.rateLimited > 0 { calls.append("\(report.rateLimited) answered 429") }
        parts[0] += " (" + calls.joined(separator: ", ") + ")"
        parts.append("\(report.changed) changed")
        if report.notFound > 0 { parts.append("\(report.notFound) not found") }
        if report.unread > 0 { parts.append("\(report.unread) left for the next refresh") }
        parts.append("\(tally.open) of \(tally.tracked) open")
        let prefix = round.map { "\(jobId) round \($0): " } ?? "\(jobId): "
        var line = prefix + parts.joined(separator: "; ") + "."
        if let reason = report.stopReason { line += " Stopped: \(reason)." }
        return line
    }
}
