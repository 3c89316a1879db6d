import Foundation
import GRDB

/// One action a job tracks: the row that holds it and the status last recorded.
public struct TrackedAction: Sendable, Hashable {
    public var rowId: Int64
    public var actionId: String
    /// The status as last recorded (at submit, cancel or refresh); nil when never read.
    public var status: String?

    public init(rowId: Int64, actionId: String, status: String?) {
        self.rowId = rowId
        self.actionId = actionId
        self.status = status
    }
}

/// How many of a job's actions are tracked, and how many of them are still open.
public struct ActionTally: Sendable, Hashable {
    /// Rows that hold an action id (`submitted`, including adopted ones).
    public var tracked: Int
    /// Of those, the ones whose last recorded status is not final (or was never read).
    public var open: Int

    public init(tracked: Int, open: Int) {
        self.tracked = tracked
        self.open = open
    }

    public var final: Int { tracked - open }
}

/// Rows that went wrong the same way: one outcome and one error code (or action status).
public struct RowGroup: Sendable, Hashable {
    /// The row outcome (`failed`, `invalid`, …) or, for actions that did not succeed, the action status.
    public var key: String
    /// The error code, or nil when the rows carry none.
    public var errorCode: String?
    public var count: Int
    /// The first rows of the group, in input order.
    public var examples: [RowRecord]
}

extension StateStore {
    /// The SQL that names the action a row tracks: its own action, or for a cancel job the
    /// action it cancels.
    static let trackedActionSQL = "COALESCE(actionId, targetActionId)"
    /// The SQL condition of a row that tracks an action.
    static let trackingSQL = "state IN " + RowState.sqlList(RowState.tracking)
    /// The SQL condition of a status that is not final (or was never read).
    static let openStatusSQL = "(actionStatus IS NULL OR actionStatus NOT IN ('Succeeded', 'Failed', 'TimeOut', 'Cancelled'))"

    /// The job's tracked actions in row order, `limit` at a time after `afterRowId`.
    ///
    /// A row tracks an action in the `RowState.tracking` states: a quarantine row's own
    /// action, or a cancel row's target (`targetActionId`) once its cancel is settled.
    /// - Parameter openOnly: only actions whose last recorded status is not final.
    public func trackedActions(jobId: String, afterRowId: Int64 = 0, limit: Int, openOnly: Bool) throws -> [TrackedAction] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, \(Self.trackedActionSQL) AS action, actionStatus FROM jobRow
                    WHERE jobId = ? AND id > ? AND \(Self.trackingSQL) AND \(Self.trackedActionSQL) IS NOT NULL
                    \(openOnly ? "AND " + Self.openStatusSQL : "")
                    ORDER BY id LIMIT ?
                    """, arguments: [jobId, afterRowId, limit])
            return rows.map { TrackedAction(rowId: $0["id"], actionId: $0["action"], status: $0["actionStatus"]) }
        }
    }

    /// How many actions the job tracks and how many are still open, from the job's counters.
    public func actionTally(jobId: String) throws -> ActionTally {
        try writer.read { db in
            var tally = ActionTally(tracked: 0, open: 0)
            let tracking = Set(RowState.tracking.map(\.rawValue))
            for (key, n) in try Self.jobRowCounters(db, jobId: jobId) where key.tracked && tracking.contains(key.state) {
                tally.tracked += n
                if !Self.isFinalStatus(key.actionStatus) { tally.open += n }
            }
            return tally
        }
    }

    /// The statuses after which an action never changes again (`openStatusSQL` in Swift).
    static let finalStatuses: Set<String> = ["Succeeded", "Failed", "TimeOut", "Cancelled"]

    static func isFinalStatus(_ status: String?) -> Bool {
        status.map(finalStatuses.contains) ?? false
    }

    /// Writes the statuses read from the API to their rows, in one transaction.
    ///
    /// Only rows that track an action change, so a row another process moved meanwhile is
    /// left alone. A `cancel-requested` row whose action turns out final takes its outcome
    /// (`cancelled`, or `already-final` when it ended otherwise).
    /// - Returns: how many rows changed status.
    @discardableResult
    public func setActionStatuses(_ statuses: [(rowId: Int64, status: String)]) throws -> Int {
        guard !statuses.isEmpty else { return 0 }
        return try writer.write { db in
            var changed = 0
            let statement = try db.makeStatement(
                sql: """
                    UPDATE jobRow SET actionStatus = ?1,
                        state = CASE
                            WHEN state = 'cancel-requested' AND ?1 = 'Cancelled' THEN 'cancelled'
                            WHEN state = 'cancel-requested' AND ?1 IN ('Succeeded', 'Failed', 'TimeOut') THEN 'already-final'
                            ELSE state END
                    WHERE id = ?2 AND \(Self.trackingSQL) AND actionStatus IS NOT ?1
                    """)
            for (rowId, status) in statuses {
                try statement.execute(arguments: [status, rowId])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Writes statuses by action id to a quarantine job's open rows, in one transaction (for
    /// a listing by time window, which returns actions rather than rows).
    ///
    /// - Returns: the open rows that hold one of these actions (changed or not).
    public func setActionStatuses(jobId: String, byActionId statuses: [(actionId: String, status: String)]) throws -> [(
        rowId: Int64, changed: Bool
    )] {
        guard !statuses.isEmpty else { return [] }
        return try writer.write { db in
            var touched: [(rowId: Int64, changed: Bool)] = []
            let select = try db.makeStatement(
                sql: """
                    SELECT id, actionStatus FROM jobRow
                    WHERE actionId = ? AND jobId = ? AND \(Self.trackingSQL) AND \(Self.openStatusSQL)
                    """)
            let update = try db.makeStatement(sql: "UPDATE jobRow SET actionStatus = ? WHERE id = ?")
            for (actionId, status) in statuses {
                let rows = try Row.fetchAll(select, arguments: [actionId, jobId])
                for row in rows {
                    let id: Int64 = row["id"]
                    let old: String? = row["actionStatus"]
                    if old != status { try update.execute(arguments: [status, id]) }
                    touched.append((id, old != status))
                }
            }
            return touched
        }
    }

    /// The span of send times of the job's open tracked actions (for a time-window listing).
    public func openActionSendSpan(jobId: String) throws -> (first: Date, last: Date)? {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT MIN(COALESCE(firstSentAt, submittedAt)) AS first, MAX(COALESCE(submittedAt, lastSentAt)) AS last
                    FROM jobRow WHERE jobId = ? AND \(Self.trackingSQL) AND actionId IS NOT NULL AND \(Self.openStatusSQL)
                    """, arguments: [jobId])
            guard let row, let first: Date = row["first"], let last: Date = row["last"] else { return nil }
            return (first, last)
        }
    }

    /// When the job's action statuses were last read from the API by a status refresh (the
    /// index `attempt_statusRead` holds only those attempts).
    public func lastStatusRefresh(jobId: String) throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT finishedAt FROM attempt INDEXED BY attempt_statusRead
                    WHERE jobId = ? AND outcome = 'status-read' AND finishedAt IS NOT NULL
                    ORDER BY finishedAt DESC LIMIT 1
                    """,
                arguments: [jobId])
        }
    }

    /// The job's problem rows grouped by outcome and error code, largest group first, with
    /// the first `examples` rows of each.
    ///
    /// Problems are rows that `failed`, were `invalid` at ingest, or named a device or file
    /// resolution could not settle.
    public func failureGroups(jobId: String, examples: Int) throws -> [RowGroup] {
        try groups(
            jobId: jobId, keySQL: "state", codeSQL: "errorCode",
            condition: "state IN ('failed', 'invalid', 'device-not-found', 'file-not-found', 'ambiguous-device-name')",
            examples: examples)
    }

    /// The job's `ambiguous-device-name` rows (at most `limit`), with their candidates.
    public func ambiguousRows(jobId: String, limit: Int) throws -> (rows: [RowRecord], total: Int) {
        try writer.read { db in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM jobRow WHERE jobId = ? AND state = 'ambiguous-device-name'",
                    arguments: [jobId]) ?? 0
            let rows = try RowRecord.fetchAll(
                db, sql: "SELECT * FROM jobRow WHERE jobId = ? AND state = 'ambiguous-device-name' ORDER BY id LIMIT ?",
                arguments: [jobId, limit])
            return (rows, total)
        }
    }

    /// The job's actions that ended without success (`Failed`, `TimeOut`), grouped by status.
    public func unsuccessfulActionGroups(jobId: String, examples: Int) throws -> [RowGroup] {
        try groups(
            jobId: jobId, keySQL: "actionStatus", codeSQL: "NULL",
            condition: "\(Self.trackingSQL) AND actionStatus IN ('Failed', 'TimeOut')", examples: examples)
    }

    private func groups(jobId: String, keySQL: String, codeSQL: String, condition: String, examples: Int) throws -> [RowGroup] {
        try writer.read { db in
            let heads = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(keySQL) AS k, \(codeSQL) AS code, count(*) AS n FROM jobRow
                    WHERE jobId = ? AND \(condition)
                    GROUP BY k, code ORDER BY n DESC, k, code
                    """, arguments: [jobId])
            let samples = try RowRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT *, ROW_NUMBER() OVER (PARTITION BY \(keySQL), \(codeSQL) ORDER BY id) AS rank
                        FROM jobRow WHERE jobId = ? AND \(condition)
                    ) WHERE rank <= ? ORDER BY id
                    """, arguments: [jobId, examples])
            return heads.map { head in
                let key: String = head["k"]
                let code: String? = head["code"]
                let examples = samples.filter { row in
                    let rowKey: String? = keySQL == "state" ? row.state.rawValue : row.actionStatus
                    let rowCode: String? = codeSQL == "NULL" ? nil : row.errorCode
                    return rowKey == key && rowCode == code
                }
                return RowGroup(key: key, errorCode: code, count: head["n"], examples: examples)
            }
        }
    }
}
