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
    /// Where the job's calls go (nil: a dry run without credentials; bound on its first run).
    public var target: JobTarget?
    /// Append the job tag to every comment.
    public var commentTag: Bool
    /// How the job is sent.
    public var pacing: JobPacing

    public init(
        kind: JobKind, inputs: [String], options: String, parentJobId: String? = nil, resubmit: Bool = false,
        target: JobTarget? = nil, commentTag: Bool = true, pacing: JobPacing = .defaults
    ) {
        self.kind = kind
        self.inputs = inputs
        self.options = options
        self.parentJobId = parentJobId
        self.resubmit = resubmit
        self.target = target
        self.commentTag = commentTag
        self.pacing = pacing
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

/// Per-outcome counts of a job's rows.
public struct JobCounts: Sendable, Hashable {
    public var byOutcome: [RowOutcome: Int] = [:]
    public var byActionStatus: [String: Int] = [:]

    public init(byOutcome: [RowOutcome: Int] = [:], byActionStatus: [String: Int] = [:]) {
        self.byOutcome = byOutcome
        self.byActionStatus = byActionStatus
    }

    public var total: Int { byOutcome.values.reduce(0, +) }
    public subscript(outcome: RowOutcome) -> Int { byOutcome[outcome, default: 0] }
    /// Rows with work left to do.
    public var open: Int { RowOutcome.allCases.filter(\.isOpen).reduce(0) { $0 + self[$1] } }
}

extension StateStore {
    /// Ingests a job in one transaction, or finds the job these inputs made before.
    ///
    /// `ingest` inserts every row through the inserter and returns the inputs' content
    /// fingerprint, or nil to roll everything back. When a job of the same kind and target
    /// already has the same content, the new rows are rolled back and that job is returned,
    /// so re-running the same command resumes instead of duplicating; the caller compares
    /// its options with the job's (`PlanConflict`).
    ///
    /// - Parameter anew: make a new job even when one with the same content exists (its
    ///   options differ and it is complete: nothing of it can be sent twice).
    public func createJob(
        _ spec: NewJob, now: Date, anew: Bool = false, ingest: (RowInserter) throws -> String?
    ) throws -> JobCreation {
        try writer.writeWithoutTransaction { db in
            var result = JobCreation.aborted
            try db.inTransaction(.immediate) {
                let id = Self.makeJobID(kind: spec.kind)
                let plan = JobPlan(
                    target: spec.target, commentSuffix: spec.commentTag ? JobPlan.commentTag(jobId: id) : "",
                    pacing: spec.pacing)
                var job = JobRecord(
                    id: id, kind: spec.kind, fingerprint: "ingesting-\(id)", inputs: spec.inputs,
                    options: spec.options, tenant: spec.target?.tenant, apiBase: spec.target?.apiBase,
                    parentJobId: spec.parentJobId, createdAt: now, updatedAt: now, state: .ready, rowCount: 0,
                    targetKey: spec.target?.key, plan: plan)
                try job.insert(db)
                let submitted = spec.kind == .quarantine ? try Self.submittedKeys(db, targetKey: spec.target?.key) : [:]
                // A bounded larger page cache for the bulk insert (the default is 2 MiB).
                try db.execute(sql: "PRAGMA cache_size = -32768")
                let inserter = try RowInserter(
                    db: db, jobId: id, alreadySubmitted: submitted, resubmit: spec.resubmit)
                guard let content = try ingest(inserter) else { return .rollback }
                let fingerprint = Self.fingerprint(kind: spec.kind, content: content)
                if !anew,
                    let existing = try Self.job(
                        db, kind: spec.kind, fingerprint: fingerprint, targetKey: spec.target?.key, options: spec.options)
                {
                    result = .existing(existing)
                    return .rollback
                }
                // The new rows enter the job's counters before the commit (no insert trigger:
                // StateStore+Counters.swift), as the inserter counted them.
                try Self.addNewJobRowCounts(db, jobId: id, counters: inserter.counters)
                job.fingerprint = fingerprint
                job.rowCount = inserter.count
                try job.update(db)
                result = .created(job)
                return .commit
            }
            return result
        }
    }

    /// Keys that jobs of the same target already sent and whose actions are not known to
    /// have failed, timed out or been cancelled, with where they were sent from. A job
    /// without a target (a dry run without credentials) is checked when it is bound.
    static func submittedKeys(_ db: Database, targetKey: String?) throws -> [String: String] {
        guard let targetKey else { return [:] }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT r.machineId, r.sha1, r.jobId, r.source, r.line, r.actionId FROM jobRow r
                JOIN job j ON j.id = r.jobId
                WHERE j.targetKey = ? AND j.kind = 'quarantine' AND r.state IN ('sending', 'submitted')
                  AND (r.actionStatus IS NULL OR r.actionStatus NOT IN ('Failed', 'Cancelled', 'TimeOut'))
                """, arguments: [targetKey])
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

    /// A job's identity within its target: its kind and its inputs' content. Options are
    /// not part of it: the same inputs with other options are the same job, which refuses
    /// options that would change what it sends.
    static func fingerprint(kind: JobKind, content: String) -> String {
        var hasher = SHA256()
        for part in [kind.rawValue, content] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func makeJobID(kind: JobKind) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
        let prefix: String
        switch kind {
        case .quarantine: prefix = "q-"
        case .cancel: prefix = "c-"
        case .lookup: prefix = "l-"
        }
        return prefix + suffix
    }

    /// The job of `kind` with this content for `targetKey`, if one was ingested: one with
    /// these `options` first, then one of that target, else one not bound to a target yet.
    public func job(kind: JobKind, fingerprint: String, targetKey: String?, options: String) throws -> JobRecord? {
        try writer.read { db in try Self.job(db, kind: kind, fingerprint: fingerprint, targetKey: targetKey, options: options) }
    }

    static func job(_ db: Database, kind: JobKind, fingerprint: String, targetKey: String?, options: String) throws -> JobRecord?
    {
        try JobRecord.fetchOne(
            db,
            sql: """
                SELECT * FROM job WHERE kind = ? AND fingerprint = ? AND (targetKey = ? OR targetKey IS NULL)
                ORDER BY options = ? DESC, targetKey IS NULL, createdAt DESC LIMIT 1
                """, arguments: [kind.rawValue, fingerprint, targetKey, options])
    }

    /// Binds a job made without a target to `target` (its first real run), and marks the
    /// rows that other jobs of that target already submitted as `already-submitted`
    /// (unless the job was made with `--resubmit`), in one transaction.
    ///
    /// - Returns: the bound job.
    public func bind(jobId: String, to target: JobTarget, resubmit: Bool, now: Date) throws -> JobRecord {
        try writer.write { db in
            guard var job = try JobRecord.fetchOne(db, key: jobId) else {
                throw StoreError.unknownJob(id: jobId, known: [])
            }
            guard job.targetKey == nil else { return job }
            var plan = job.effectivePlan
            plan.target = target
            job.plan = plan
            job.targetKey = target.key
            job.tenant = target.tenant
            job.apiBase = target.apiBase
            job.updatedAt = now
            try job.update(db)
            if job.kind == .quarantine && !resubmit {
                try db.execute(
                    sql: """
                        UPDATE jobRow SET state = 'already-submitted', errorCode = 'already-submitted',
                            errorMessage = 'already submitted by job ' || (
                                SELECT o.jobId || ' (' || o.source || ':' || o.line || COALESCE(', action ' || o.actionId, '') || ')'
                                FROM jobRow o JOIN job j ON j.id = o.jobId
                                WHERE j.targetKey = :target AND j.kind = 'quarantine' AND o.jobId != :job
                                  AND o.machineId = jobRow.machineId AND o.sha1 = jobRow.sha1
                                  AND o.state IN ('sending', 'submitted')
                                  AND (o.actionStatus IS NULL OR o.actionStatus NOT IN ('Failed', 'Cancelled', 'TimeOut'))
                                LIMIT 1) || '; use --resubmit to send it again'
                        WHERE jobId = :job AND state = 'pending' AND attempts = 0 AND EXISTS (
                            SELECT 1 FROM jobRow o JOIN job j ON j.id = o.jobId
                            WHERE j.targetKey = :target AND j.kind = 'quarantine' AND o.jobId != :job
                              AND o.machineId = jobRow.machineId AND o.sha1 = jobRow.sha1
                              AND o.state IN ('sending', 'submitted')
                              AND (o.actionStatus IS NULL OR o.actionStatus NOT IN ('Failed', 'Cancelled', 'TimeOut')))
                        """, arguments: ["target": target.key, "job": jobId])
            }
            return job
        }
    }

    /// What ingest found in a job's inputs, rebuilt from its rows (for a job found again).
    public func ingestSummary(jobId: String, fingerprint: String) throws -> IngestSummary {
        var summary = try countedSummary(jobId: jobId, fingerprint: fingerprint)
        if summary.toResolve > 0 {
            let needs = try resolutionNeeds(jobId: jobId)
            summary.distinctNames = needs.names.count
            summary.distinctSHA256 = needs.hashes.count
        }
        return summary
    }

    private func countedSummary(jobId: String, fingerprint: String) throws -> IngestSummary {
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
                case .unresolved:
                    summary.validCount += n
                    summary.toResolve += n
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

    /// Counts per outcome and per action status, from the job's counters (a few rows
    /// whatever the job's size; `StateStore+Counters.swift`).
    public func counts(jobId: String) throws -> JobCounts {
        try writer.read { db in
            var counts = JobCounts()
            for (key, n) in try Self.jobRowCounters(db, jobId: jobId) {
                let state = RowState(rawValue: key.state) ?? .pending
                counts.byOutcome[RowOutcome(state: state, adopted: key.adopted), default: 0] += n
                if let status = key.actionStatus {
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
