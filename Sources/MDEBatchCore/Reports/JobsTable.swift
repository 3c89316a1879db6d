import Foundation

/// The text of `mdebatch jobs`: one line per job.
public struct JobsTable: Sendable {
    public var rows: [(job: JobRecord, counts: JobCounts)]

    public init(rows: [(job: JobRecord, counts: JobCounts)]) {
        self.rows = rows
    }

    public func render() -> String {
        guard !rows.isEmpty else { return "No jobs in this state file yet. Start one with: mdebatch run FILE" }
        var lines = ["JOB          KIND        STATE        CREATED (UTC)          ROWS       DONE  FAILED  OPEN  INPUTS"]
        for (job, counts) in rows {
            // Done: submitted or adopted (quarantine); cancelled, already final or requested (cancel).
            let done: [RowOutcome] = [.submitted, .alreadyPending, .cancelled, .alreadyFinal, .cancelRequested]
            let submitted = done.reduce(0) { $0 + counts[$1] }
            let open = counts.open
            let created = ReportTime.format(job.createdAt).prefix(19).replacingOccurrences(of: "T", with: " ")
            lines.append(
                [
                    job.id.padding(toLength: 12, withPad: " ", startingAt: 0),
                    job.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0),
                    job.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0),
                    created.padding(toLength: 21, withPad: " ", startingAt: 0),
                    String(job.rowCount).leftPadded(6), String(submitted).leftPadded(10),
                    String(counts[.failed] + counts[.notFound] + RowOutcome.unresolvable.reduce(0) { $0 + counts[$1] })
                        .leftPadded(7),
                    String(open).leftPadded(5), job.inputs.joined(separator: ", "),
                ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
