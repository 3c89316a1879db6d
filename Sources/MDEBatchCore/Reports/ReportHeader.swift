import Foundation

/// What a report says about the job as a whole: the `job` and `summary` objects of the JSON
/// report, and the head of the Markdown one. Read with a few aggregate queries, never by
/// loading the rows.
public struct ReportHeader: Sendable, Hashable, Codable {
    public var job: Job
    public var summary: Summary

    /// The job object.
    public struct Job: Sendable, Hashable, Codable {
        public var id: String
        /// `quarantine` or `cancel`.
        public var kind: String
        /// `ready`, `running`, `interrupted` or `complete`.
        public var state: String
        public var inputs: [String]
        public var tenant: String?
        public var apiBase: String?
        /// For a cancel job made from a quarantine job: that job.
        public var parentJobId: String?
        public var createdAt: String
        public var updatedAt: String
        public var rowCount: Int

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(state, forKey: .state)
            try container.encode(inputs, forKey: .inputs)
            try container.encode(tenant, forKey: .tenant)
            try container.encode(apiBase, forKey: .apiBase)
            try container.encode(parentJobId, forKey: .parentJobId)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(rowCount, forKey: .rowCount)
        }
    }

    /// The summary object.
    public struct Summary: Sendable, Hashable, Codable {
        /// Rows in the job (every item of the report).
        public var rows: Int
        /// Rows per outcome (`submitted`, `already-pending`, `failed`, …); outcomes with no row are left out.
        public var outcomes: [String: Int]
        /// Rows per last recorded action status (`Pending`, `Succeeded`, …).
        public var actionStatuses: [String: Int]
        /// Rows that hold an action id.
        public var trackedActions: Int
        /// Tracked actions whose last recorded status is `Pending`, `InProgress`, unknown, or was never read.
        public var openActions: Int
        /// Tracked actions whose last recorded status is final.
        public var finalActions: Int
        /// When `status --refresh` last read statuses from the API; null when never.
        public var lastStatusRefresh: String?
        /// When this report was written.
        public var generatedAt: String

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rows, forKey: .rows)
            try container.encode(outcomes, forKey: .outcomes)
            try container.encode(actionStatuses, forKey: .actionStatuses)
            try container.encode(trackedActions, forKey: .trackedActions)
            try container.encode(openActions, forKey: .openActions)
            try container.encode(finalActions, forKey: .finalActions)
            try container.encode(lastStatusRefresh, forKey: .lastStatusRefresh)
            try container.encode(generatedAt, forKey: .generatedAt)
        }
    }

    /// Reads the header of `jobId`.
    ///
    /// - Throws: `StoreError.unknownJob` naming the known jobs.
    public static func load(jobId: String, store: StateStore, now: Date) throws -> ReportHeader {
        let record = try store.job(id: jobId)
        let counts = try store.counts(jobId: jobId)
        let tally = try store.actionTally(jobId: jobId)
        let job = Job(
            id: record.id, kind: record.kind.rawValue, state: record.state.rawValue, inputs: record.inputs,
            tenant: record.tenant, apiBase: record.apiBase, parentJobId: record.parentJobId,
            createdAt: ReportTime.format(record.createdAt), updatedAt: ReportTime.format(record.updatedAt),
            rowCount: record.rowCount)
        let summary = Summary(
            rows: counts.total, outcomes: Dictionary(uniqueKeysWithValues: counts.byOutcome.map { ($0.key.rawValue, $0.value) }),
            actionStatuses: counts.byActionStatus,
            trackedActions: tally.tracked, openActions: tally.open, finalActions: tally.final,
            lastStatusRefresh: try store.lastStatusRefresh(jobId: jobId).map(ReportTime.format),
            generatedAt: ReportTime.format(now))
        return ReportHeader(job: job, summary: summary)
    }
}
