import Foundation

/// The lines `run` and `resume` print when they end.
public struct RunSummary: Sendable {
    public var outcome: JobOutcome
    public var reportPath: String?
    /// The exact command that resumes this job.
    public var resumeCommand: String

    public init(outcome: JobOutcome, reportPath: String?, resumeCommand: String) {
        self.outcome = outcome
        self.reportPath = reportPath
        self.resumeCommand = resumeCommand
    }

    public func render() -> String {
        let counts = outcome.counts
        let parts = RowOutcome.allCases.compactMap { outcome -> String? in
            let n = counts[outcome]
            return n > 0 ? "\(n) \(outcome.rawValue)" : nil
        }
        var lines: [String] = []
        let id = outcome.job.id
        if let reason = outcome.stopReason {
            lines.append("Job \(id) stopped: \(reason).")
            lines.append("  " + parts.joined(separator: ", ") + ".")
            if outcome.openRows > 0 {
                lines.append("  \(outcome.openRows) rows still to do; nothing was lost, and nothing will be sent twice.")
            }
        } else if outcome.isComplete {
            lines.append("Job \(id) complete: " + parts.joined(separator: ", ") + ".")
        } else {
            lines.append("Job \(id) not finished: " + parts.joined(separator: ", ") + ".")
        }
        if let resolution = outcome.resolution { lines.append("  " + resolution.description) }
        lines.append("  \(outcome.requests) requests sent in this run, \(outcome.rateLimited) answered 429.")
        if !outcome.busyDevices.isEmpty {
            lines.append("  \(outcome.counts[.waitingForDevice]) rows wait for devices busy with another action:")
            for device in outcome.busyDevices.prefix(10) {
                lines.append(
                    "    device \(device.machineId): action \(device.actionId), open since \(MDEDate.formatSeconds(device.since)) (\(device.rows) rows)"
                )
            }
            if outcome.busyDevices.count > 10 {
                lines.append("    … and \(outcome.busyDevices.count - 10) more devices (see the report)")
            }
            lines.append(
                "  Cancel a stuck action with mdebatch cancel --from-report FILE (a file of its action id), or wait and resume.")
        }
        if let reportPath { lines.append("Report: \(reportPath)") }
        if !outcome.isComplete || outcome.stopReason != nil {
            lines.append("Resume with: \(resumeCommand)")
        }
        return lines.joined(separator: "\n")
    }
}
