/// How a run of a job ended.
public struct JobOutcome: Sendable {
    public var job: JobRecord
    public var counts: JobCounts
    /// Why it stopped early; nil when it ran to the end.
    public var stopReason: StopReason?
    /// Requests this process sent for the job's rows.
    public var requests: Int
    /// HTTP 429 answers seen.
    public var rateLimited: Int
    /// Devices that keep rows waiting, with the action they are busy with.
    public var busyDevices: [BusyDevice] = []
    /// What resolving device names and SHA-256s did in this run, when there were any.
    public var resolution: ResolutionSummary?

    public init(job: JobRecord, counts: JobCounts, stopReason: StopReason?, requests: Int, rateLimited: Int) {
        self.job = job
        self.counts = counts
        self.stopReason = stopReason
        self.requests = requests
        self.rateLimited = rateLimited
    }

    /// Rows still to do.
    public var openRows: Int { counts.open }

    /// Rows that failed or were rejected at ingest (exit 1 when the job is complete); for a
    /// cancel job, actions the API does not know count too.
    public var problemRows: Int {
        counts[.failed] + counts[.invalid] + counts[.notFound] + RowOutcome.unresolvable.reduce(0) { $0 + counts[$1] }
    }

    public var isComplete: Bool { openRows == 0 }
}
