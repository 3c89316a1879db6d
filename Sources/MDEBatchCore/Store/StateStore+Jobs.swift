import Crypto
import Foundation
import GRDB

/// What a new job is made of, before its rows are read.
public struct NewJob: Sendable {
    public var kind: JobKind
    public var inputs: [String]
    /// The options that shape the rows, as canonical JSON; part of the fingerprint.
    public var options: String
    public var parentJobId: String?
    /// Send rows again even when another job already submitted them.
    public var resubmit: Bool

    public init(kind: JobKind, inputs: [String], options: String, parentJobId: String? = nil, resubmit: Bool = false) {
        self.kind = kind
        self.inputs = inputs
        self.options = options
        self.parentJobId = parentJobId
        self.resubmit = resubmit
    }
}

/// The result of ingesting a job.
public enum JobCreation: Sendable, Equatable {
    /// A new job, committed with all its rows.
    case created(JobRecord)
    /// The same inputs and options were ingested before: that job, unchanged.
    case existing(JobRecord)
    /// The ingest closure declined (for example, an input was unusable): nothing written.
    case aborted

    public var job: JobRecord? {
        switch self {
        case .created(let job), .existing(let job): return job
        case .aborted: return nil
        }
    }
}

/// Per-state counts of a job's rows.
public struct JobCounts: Sendable, Hashable {
    public var byOutcome: [String: Int] = [:]
    public var byActionStatus: [String: Int] = [:]

    public init(byOutcome: [String: Int] = [:], byActionStatus: [String: Int] = [:]) {
        self.byOutcome = byOutcome
        self.byActionStatus = byActionStatus
    }

    public var total: Int { byOutcome.values.reduce(0, +) }
    public subscript(outcome: String) -> Int { byOutcome[outcome, default: 0] }
}

extension StateStore {
    /// Ingests a job in one transaction, or finds the job these inputs made before.
    ///
    /// `ingest` inserts every row through the inserter and returns the inputs' content
    /// fingerprint, or nil to roll everything back. When a job of the same kind already
    /// has the same fingerprint (content and options), the new rows are rolled back and
    /// that job is returned, so re-running the same command resumes instead of duplicating.
    public func createJob(
        _ spec: NewJob, now: Date, ingest: (RowInserter) throws -> String?
    ) throws -> JobCreation {
        try writer.writeWithoutTransaction { db in
            var result = JobCreation.aborted
            try db.inTransaction(.immediate) {
                let id = Self.makeJobID(kind: spec.kind)
                var job = JobRecord(
                    id: id, kind: spec.kind, fingerprint: "ingesting-\(id)", inputs: spec.inputs,
                    options: spec.options, tenant: nil, apiBase: nil, parentJobId: spec.parentJobId,
                    createdAt: now, updatedAt: now, state: .ready, rowCount: 0)
                try job.insert(db)
                let submitted = spec.kind == .quarantine ? try Self.submittedKeys(db) : [:]
                // A bounded larger page cache for the bulk insert (the default is 2 MiB).
                try db.execute(sql: "PRAGMA cache_size = -32768")
                let inserter = try RowInserter(
                    db: db, jobId: id, alreadySubmitted: submitted, resubmit: spec.resubmit)
                guard let content = try ingest(inserter) else { return .rollback }
                let fingerprint = Self.fingerprint(kind: spec.kind, content: content, options: spec.options)
                if let existing = try JobRecord
                    .filter(JobRecord.Columns.kind == spec.kind.rawValue)
                    .filter(JobRecord.Columns.fingerprint == fingerprint)
                    .fetchOne(db)
                {
                    result = .existing(existing)
                    return .rollback
                }
                job.fingerprint = fingerprint
                job.rowCount = inserter.count
                try job.update(db)
                result = .created(job)
                return .commit
            }
            return result
        }
    }

    /// Keys that jobs already sent and whose actions are not known to have failed,
    /// timed out or been cancelled, with where they were sent from.
    static func submittedKeys(_ db: Database) throws -> [String: String] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT machineId, sha1, jobId, source, line, actionId FROM jobRow
                WHERE state IN ('sending', 'submitted')
                  AND (actionStatus IS NULL OR actionStatus NOT IN ('Failed', 'Cancelled', 'TimeOut'))
                """)
        var keys: [String: String] = [:]
        while let row = try rows.next() {
            let machineId: String = row["machineId"]
            let sha1: String = row["sha1"]
            let jobId: String = row["jobId"]
            let source: String = row["source"]
            let line: Int = row["line"]
            let actionId: String? = row["actionId"]
            let action = actionId.map { ", action \($0)" } ?? ""
            keys[machineId + "|" + sha1] = "job \(jobId) (\(source):\(line)\(action))"
        }
        return keys
    }

    static func fingerprint(kind: JobKind, content: String, options: String) -> String {
        var hasher = SHA256()
        for part in [kind.rawValue, content, options] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func makeJobID(kind: JobKind) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
        return (kind == .quarantine ? "q-" : "c-") + suffix
    }

    /// The job of `kind` with this fingerprint, if one was ingested.
    public func job(kind: JobKind, fingerprint: String) throws -> JobRecord? {
        try writer.read { db in
            try JobRecord
                .filter(JobRecord.Columns.kind == kind.rawValue)
                .filter(JobRecord.Columns.fingerprint == fingerprint)
                .fetchOne(db)
        }
    }

    /// What ingest found in a job's inputs, rebuilt from its rows (for a job found again).
    public func ingestSummary(jobId: String, fingerprint: String) throws -> IngestSummary {
        try writer.read { db in
            var summary = IngestSummary()
            summary.fingerprint = fingerprint
            let rows = try Row.fetchAll(
                db, sql: "SELECT state, errorCode, count(*) AS n FROM jobRow WHERE jobId = ? GROUP BY state, errorCode",
                arguments: [jobId])
            for row in rows {
                let n: Int = row["n"]
                summary.rowCount += n
                switch RowState(rawValue: row["state"]) {
                case .invalid:
                    if let code: String = row["errorCode"], let reason = RejectionReason(rawValue: code) {
                        summary.invalidCounts[reason, default: 0] += n
                    }
                case .duplicate: summary.duplicateCount += n
                default: summary.validCount += n
                }
            }
            return summary
        }
    }

    /// Every job, newest first.
    public func jobs() throws -> [JobRecord] {
        try writer.read { db in
            try JobRecord.order(JobRecord.Columns.createdAt.desc).fetchAll(db)
        }
    }

    /// The job with this id, or an error naming the known ones.
    public func job(id: String) throws -> JobRecord {
        try writer.read { db in
            if let job = try JobRecord.fetchOne(db, key: id) { return job }
            let known = try String.fetchAll(db, sql: "SELECT id FROM job ORDER BY createdAt DESC LIMIT 20")
            throw StoreError.unknownJob(id: id, known: known)
        }
    }

    /// Counts per outcome and per action status.
    public func counts(jobId: String) throws -> JobCounts {
        let kind = try writer.read { db in
            try String.fetchOne(db, sql: "SELECT kind FROM job WHERE id = ?", arguments: [jobId])
        }
        if kind == JobKind.cancel.rawValue { return try cancelCounts(jobId: jobId) }
        return try writer.read { db in
            var counts = JobCounts()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT state, adopted, actionStatus, count(*) AS n FROM jobRow
                    WHERE jobId = ? GROUP BY state, adopted, actionStatus
                    """, arguments: [jobId])
            for row in rows {
                let state = RowState(rawValue: row["state"]) ?? .pending
                let adopted: Bool = row["adopted"]
                let n: Int = row["n"]
                let outcome = state == .submitted && adopted ? "already-pending" : state.rawValue
                counts.byOutcome[outcome, default: 0] += n
                if let status: String = row["actionStatus"] {
                    counts.byActionStatus[status, default: 0] += n
                }
            }
            return counts
        }
    }

    /// Rows of a job in input order (for reports), `limit` at a time after `afterId`.
    public func rows(jobId: String, afterId: Int64 = 0, limit: Int = 1000) throws -> [RowRecord] {
        try writer.read { db in
            try RowRecord
                .filter(RowRecord.Columns.jobId == jobId)
                .filter(RowRecord.Columns.id > afterId)
                .order(RowRecord.Columns.id)
                .limit(limit)
                .fetchAll(db)
        }
    }

    /// The first rows of a job in a given state, in input order.
    public func rows(jobId: String, state: RowState, limit: Int) throws -> [RowRecord] {
        try writer.read { db in
            try RowRecord
                .filter(RowRecord.Columns.jobId == jobId)
                .filter(RowRecord.Columns.state == state.rawValue)
                .order(RowRecord.Columns.id)
                .limit(limit)
                .fetchAll(db)
        }
    }

    /// Sets a job's state (and tenant and API base the first time it runs).
    public func setJobState(_ jobId: String, _ state: JobState, tenant: String? = nil, apiBase: String? = nil, now: Date) throws {
        try writer.write { db in
            guard var job = try JobRecord.fetchOne(db, key: jobId) else { return }
            job.state = state
            job.updatedAt = now
            if let tenant { job.tenant = tenant }
            if let apiBase { job.apiBase = apiBase }
            try job.update(db)
        }
    }
}
