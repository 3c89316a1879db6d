import Foundation
import GRDB

/// What becomes of a row after a call (or a decision without one): a quarantine row's
/// `RowUpdate`, or one of the cancel row's own changes.
public enum RowChange: Sendable, Equatable {
    /// The API accepted the cancel (HTTP 200): the row becomes `cancel-accepted`, keeps the
    /// action id as proof and stays open until its status is read back (at `readAt`). It
    /// is never sent again.
    case accepted(actionStatus: String?, readAt: Date)
    /// The action's final status is known: the row is done, `cancelled` when our cancel
    /// made it `Cancelled`, else `already-final`; `note` goes to the row's message.
    case final(actionStatus: String, cancelledByUs: Bool, note: String?)
    /// The cancel was accepted but the action still read back open when the read-back
    /// window closed: the row is done, as `cancel-requested`.
    case stillOpen(actionStatus: String?)
    /// The API does not know the action (404): the row is done, as `not-found`.
    case notFound
    /// Anything a quarantine row can get: retry, failed, unchanged.
    case row(RowUpdate)
    /// What a resolution lookup found, for the cache (and the rows a refusal fails).
    case lookups(LookupFacts)

    /// No row change.
    public static let unchanged = RowChange.row(.unchanged)
}

extension StateStore {
    /// The rows of a quarantine job that hold an action id, in input order: what
    /// `mdebatch cancel JOB` cancels.
    public func actionRows(jobId: String) throws -> [RowRecord] {
        try writer.read { db in
            try RowRecord.fetchAll(
                db, sql: "SELECT * FROM jobRow WHERE jobId = ? AND actionId IS NOT NULL ORDER BY id", arguments: [jobId])
        }
    }

    /// Records how a call ended — its ledger entry, its attempt, and the row — in one
    /// transaction (without a slot, only the row changes). A cancel row's outcome is copied
    /// to the quarantine rows holding the same action (`cancelStatus`).
    public func record(slot: QuotaGate.Slot?, rowId: Int64?, now: Date, call: CallRecord, change: RowChange) throws {
        try writer.write { db in try record(db, slot: slot, rowId: rowId, now: now, call: call, change: change) }
    }

    /// `record(slot:rowId:now:call:change:)` inside its transaction.
    private func record(_ db: Database, slot: QuotaGate.Slot?, rowId: Int64?, now: Date, call: CallRecord, change: RowChange)
        throws
    {
        if let slot {
            let before = try LedgerMirror.version(db)
            try db.cachedStatement(sql: "UPDATE ledgerEntry SET completedAt = ? WHERE id = ?")
                .execute(arguments: [now.timeIntervalSince1970, slot.ledgerId])
            ledgerMirror.follow(
                LedgerMirror.Change(
                    key: nil, kind: .complete(id: slot.ledgerId, at: now.timeIntervalSince1970), before: before,
                    after: try LedgerMirror.version(db)), in: db)
            try db.cachedStatement(
                sql: """
                    UPDATE attempt SET finishedAt = ?, outcome = ?, httpStatus = ?, errorCode = ?,
                        errorMessage = ?, errorTarget = ?, retryAfter = ? WHERE id = ?
                    """
            ).execute(arguments: [
                now, call.outcome.rawValue, call.httpStatus, call.errorCode, call.errorMessage, call.errorTarget,
                call.retryAfter, slot.attemptId,
            ])
        }
        if case .lookups(let facts) = change {
            try Self.store(facts, now: now, db: db)
            return
        }
        guard let rowId else { return }
        switch change {
        case .accepted(let status, let readAt):
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = 'cancel-accepted', actionId = targetActionId, actionStatus = COALESCE(?, actionStatus),
                        httpStatus = ?, nextAttemptAt = ?, inDoubtSince = NULL,
                        errorCode = NULL, errorMessage = NULL, errorTarget = NULL
                    WHERE id = ?
                    """, arguments: [status, call.httpStatus, readAt, rowId])
        case .final(let status, let ours, let note):
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = ?, actionStatus = ?, actionId = targetActionId,
                        submittedAt = ?, inDoubtSince = NULL, nextAttemptAt = NULL,
                        errorCode = NULL, errorMessage = ?, errorTarget = NULL
                    WHERE id = ?
                    """,
                arguments: [
                    (ours && status == ActionStatus.cancelled.wireValue ? RowState.cancelled : .alreadyFinal).rawValue,
                    status, now, note, rowId,
                ])
        case .stillOpen(let status):
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = 'cancel-requested', actionStatus = COALESCE(?, actionStatus), submittedAt = ?,
                        inDoubtSince = NULL, nextAttemptAt = NULL, errorCode = NULL,
                        errorMessage = 'the cancel was accepted, but the action still read back open; check it with mdebatch status --refresh',
                        errorTarget = NULL
                    WHERE id = ?
                    """, arguments: [status, now, rowId])
        case .notFound:
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = 'not-found', actionId = targetActionId, nextAttemptAt = NULL,
                        inDoubtSince = NULL, httpStatus = ?, errorCode = ?, errorMessage = ?, errorTarget = ?
                    WHERE id = ?
                    """, arguments: [call.httpStatus, call.errorCode, call.errorMessage, call.errorTarget, rowId])
        case .row(let rowUpdate):
            try Self.apply(rowUpdate, call: call, rowId: rowId, now: now, db: db)
            // Only a finished cancel row has an outcome to copy (a quarantine row's
            // update never needs the lookup below).
            guard rowUpdate == .failed else { return }
            // A finished cancel row names its action in the report.
            try db.execute(
                sql: "UPDATE jobRow SET actionId = targetActionId WHERE id = ? AND targetActionId IS NOT NULL",
                arguments: [rowId])
        case .lookups:
            return  // Stored above.
        }
        try Self.propagateCancelStatus(db, rowId: rowId)
    }

    /// Copies a finished cancel row's outcome to the quarantine rows holding its action.
    static func propagateCancelStatus(_ db: Database, rowId: Int64) throws {
        guard let row = try RowRecord.fetchOne(db, key: rowId), let target = row.targetActionId, !row.state.isOpen,
            row.state != .invalid, row.state != .duplicate
        else { return }
        let final = row.actionStatus.map(ActionStatus.init(wireValue:))?.isFinal == true
        try db.execute(
            sql: """
                UPDATE jobRow SET cancelStatus = ?, actionStatus = CASE WHEN ? THEN ? ELSE actionStatus END
                WHERE actionId = ? AND targetActionId IS NULL AND jobId != ?
                """, arguments: [row.outcome.rawValue, final, row.actionStatus, target, row.jobId])
    }

    /// Marks the open, never-sent rows of a cancel job whose action the state file already
    /// knows to be final as done (`already-final`, nothing sent): the default, which `--include-final` turns off.
    ///
    /// - Returns: how many rows it marked.
    @discardableResult
    public func skipKnownFinalTargets(jobId: String, now: Date) throws -> Int {
        try writer.write { db in
            let candidates = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id AS id, (
                        SELECT p.actionStatus FROM jobRow p
                        WHERE p.actionId = c.targetActionId AND p.jobId != c.jobId
                          AND p.actionStatus IN ('Succeeded', 'Failed', 'TimeOut', 'Cancelled')
                        ORDER BY p.id DESC LIMIT 1
                    ) AS known
                    FROM jobRow c
                    WHERE c.jobId = ? AND c.state = 'pending' AND c.attempts = 0 AND c.actionId IS NULL
                      AND c.inDoubtSince IS NULL AND c.targetActionId IS NOT NULL
                    """, arguments: [jobId])
            var marked = 0
            for candidate in candidates {
                guard let known: String = candidate["known"] else { continue }
                let id: Int64 = candidate["id"]
                try db.execute(
                    sql: """
                        UPDATE jobRow SET state = 'already-final', actionStatus = ?, submittedAt = ?, nextAttemptAt = NULL,
                            actionId = targetActionId, errorMessage = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        known, now,
                        "already final (\(known)) in the state file, so no cancel was sent; --include-final sends one anyway", id,
                    ])
                try Self.propagateCancelStatus(db, rowId: id)
                marked += 1
            }
            return marked
        }
    }

    /// How many times a row's action was read back (GETs made for it).
    public func readBackCount(rowId: Int64) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM attempt WHERE rowId = ? AND api = ?",
                arguments: [rowId, QuotaAPI.getAction.rawValue]) ?? 0
        }
    }
}
