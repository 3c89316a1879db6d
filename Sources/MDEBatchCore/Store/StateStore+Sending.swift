import Foundation
import GRDB
import GRDBSQLite

/// The pure quota verdict a reservation asks for.
public enum SlotDecision: Sendable, Equatable {
    case go
    case wait(until: Date)
    case waitForCompletion
}

/// What a reserved call is for.
public enum SlotPurpose: Sendable, Equatable {
    /// Sending the row's own request: the row becomes `sending` in the same transaction.
    case send(rowId: Int64)
    /// A lookup (list or read) on behalf of a row, or of the job: the row does not change.
    case lookup(rowId: Int64?)

    var rowId: Int64? {
        switch self {
        case .send(let rowId): return rowId
        case .lookup(let rowId): return rowId
        }
    }
}

/// The answer of a reservation: go, or come back later.
public enum Reservation: Sendable, Equatable {
    /// The row is `sending`, its attempt and ledger entry are committed.
    case granted(attemptId: Int64, ledgerId: Int64)
    /// No slot before this instant (a window is full, or the API is paused after a 429).
    case wait(until: Date)
    /// Only calls still in flight block the window: try again when one completes.
    case waitForCompletion
    /// The row is no longer in a state that may be sent (another process took it).
    case notSendable
}

/// How a call ended, for the row, the attempt and the ledger in one transaction.
public struct CallRecord: Sendable, Equatable {
    public var outcome: CallOutcome
    public var httpStatus: Int?
    public var errorCode: String?
    public var errorMessage: String?
    public var errorTarget: String?
    public var retryAfter: Double?

    public init(
        outcome: CallOutcome, httpStatus: Int? = nil, errorCode: String? = nil, errorMessage: String? = nil,
        errorTarget: String? = nil, retryAfter: Double? = nil
    ) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.errorTarget = errorTarget
        self.retryAfter = retryAfter
    }
}

/// What becomes of the row after a call.
public enum RowUpdate: Sendable, Equatable {
    /// The action exists: keep its id.
    case submitted(actionId: String, actionStatus: String?, adopted: Bool)
    /// Try again at `at`; `inDoubt` when the call may have created an action.
    case retry(at: Date, inDoubt: Bool, refundAttempt: Bool)
    /// The device is busy with another action (`blockingActionId`, open since `since`):
    /// wait for it with no attempt spent, and look at it again at `checkAt`.
    case waitForDevice(blockingActionId: String, since: Date, checkAt: Date)
    /// Permanent failure.
    case failed
    /// No row change (a call not tied to a row's fate, like a list lookup).
    case unchanged
}

extension StateStore {
    /// Reserves a quota slot for `api` and marks the row `sending`, in one transaction.
    ///
    /// This is the crash-safety hinge: the ledger entry, the attempt and the row's
    /// `sending` state are committed together before the request leaves, so a process
    /// killed at any later instant leaves a row that the next run reconciles instead of
    /// blindly resending, and a window that still counts the call.
    ///
    /// - Parameters:
    ///   - policy: the windows whose fill `decide` sees, from this connection's copy of the
    ///     recent ledger (`LedgerMirror`), read again whenever anyone else changed the ledger.
    ///   - decide: the pure quota decision over the windows' fill and the API's pause.
    public func reserveSlot(
        for purpose: SlotPurpose, jobId: String, tenant: String, api: QuotaAPI, now: Date,
        requestTimeout: TimeInterval, policy: QuotaPolicy = .mdeDefault, decide: ([WindowFill], Date?) -> SlotDecision
    ) throws -> Reservation {
        // Every statement is a cached, prepared one: this runs once or twice per request,
        // inside the write lock every process shares. A send's grant waits for the disk
        // (`writeSynced`); a wait writes nothing and syncs nothing.
        let reserve = { (db: Database) throws -> Reservation in
            if case .send(let rowId) = purpose {
                let state = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT state FROM jobRow WHERE id = ?"), arguments: [rowId])
                guard state == RowState.pending.rawValue else { return .notSendable }
            }
            let fills = try ledgerMirror.fills(db, tenant: tenant, api: api, policy: policy, now: now)
            let pausedUntil = try Date.fetchOne(
                db.cachedStatement(sql: "SELECT until FROM apiPause WHERE tenant = ? AND api = ?"),
                arguments: [tenant, api.rawValue])
            switch decide(fills, pausedUntil) {
            case .go: break
            case .wait(let until): return .wait(until: until)
            case .waitForCompletion: return .waitForCompletion
            }
            let before = try LedgerMirror.version(db)
            let sentAt = now.timeIntervalSince1970
            try db.cachedStatement(
                sql: "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES (?, ?, ?, NULL, ?)"
            ).execute(arguments: [tenant, api.rawValue, sentAt, sentAt + requestTimeout])
            let ledgerId = db.lastInsertedRowID
            ledgerMirror.follow(
                LedgerMirror.Change(
                    key: LedgerMirror.Key(tenant: tenant, api: api),
                    kind: .add(
                        LedgerWindow.Call(id: ledgerId, sentAt: sentAt, completedAt: nil, deadline: sentAt + requestTimeout)),
                    before: before, after: try LedgerMirror.version(db)), in: db)
            // The columns of an `AttemptRecord` in flight (finishedAt, outcome and the rest NULL).
            try db.cachedStatement(sql: "INSERT INTO attempt (jobId, rowId, api, startedAt) VALUES (?, ?, ?, ?)")
                .execute(arguments: [jobId, purpose.rowId, api.rawValue, now])
            let attemptId = db.lastInsertedRowID
            if case .send(let rowId) = purpose {
                try db.cachedStatement(
                    sql: """
                        UPDATE jobRow SET state = 'sending', attempts = attempts + 1,
                            firstSentAt = COALESCE(firstSentAt, ?), lastSentAt = ?, nextAttemptAt = NULL
                        WHERE id = ?
                        """
                ).execute(arguments: [now, now, rowId])
            }
            return .granted(attemptId: attemptId, ledgerId: ledgerId)
        }
        if case .send = purpose { return try writeSynced(reserve) }
        return try writer.write(reserve)
    }

    /// Records how a call ended (`record(slot:rowId:now:call:change:)` with a row update).
    public func recordCall(
        attemptId: Int64, ledgerId: Int64, rowId: Int64?, now: Date, call: CallRecord, update: RowUpdate
    ) throws {
        try record(
            slot: QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: now), rowId: rowId, now: now, call: call,
            change: .row(update))
    }

    /// Updates a row without a call (for example, an in-doubt row whose action was found).
    public func updateRow(_ rowId: Int64, now: Date, call: CallRecord, update: RowUpdate) throws {
        try record(slot: nil, rowId: rowId, now: now, call: call, change: .row(update))
    }

    /// Puts rows whose sends the credentials made fail (401/403) back to `pending` with no
    /// attempt spent, after the job stopped for the credentials: fixing them and resuming
    /// sends these rows.
    public func returnRefusedRows(_ rowIds: [Int64]) throws {
        guard !rowIds.isEmpty else { return }
        try writer.write { db in
            for rowId in rowIds {
                try db.execute(
                    sql: """
                        UPDATE jobRow SET state = 'pending', attempts = 0, nextAttemptAt = NULL, inDoubtSince = NULL
                        WHERE id = ? AND state IN ('pending', 'failed') AND httpStatus IN (401, 403)
                        """, arguments: [rowId])
            }
        }
    }

    /// The row's change after a call; cached statements (one runs after every request).
    static func apply(_ update: RowUpdate, call: CallRecord, rowId: Int64, now: Date, db: Database) throws {
        switch update {
        case .submitted(let actionId, let status, let adopted):
            try db.cachedStatement(
                sql: """
                    UPDATE jobRow SET state = 'submitted', actionId = ?, actionStatus = ?, adopted = ?,
                        httpStatus = ?, submittedAt = ?, inDoubtSince = NULL, nextAttemptAt = NULL,
                        blockedBy = NULL, blockedSince = NULL,
                        errorCode = NULL, errorMessage = NULL, errorTarget = NULL
                    WHERE id = ?
                    """
            ).execute(arguments: [actionId, status, adopted, call.httpStatus, now, rowId])
        case .retry(let at, let inDoubt, let refund):
            try db.cachedStatement(
                sql: """
                    UPDATE jobRow SET state = 'pending', nextAttemptAt = ?, blockedBy = NULL, blockedSince = NULL,
                        inDoubtSince = CASE WHEN ? THEN COALESCE(inDoubtSince, lastSentAt) ELSE inDoubtSince END,
                        attempts = attempts - ?, httpStatus = ?, errorCode = ?, errorMessage = ?, errorTarget = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [
                at, inDoubt, refund ? 1 : 0, call.httpStatus, call.errorCode, call.errorMessage, call.errorTarget, rowId,
            ])
        case .failed:
            try db.cachedStatement(
                sql: """
                    UPDATE jobRow SET state = 'failed', nextAttemptAt = NULL, inDoubtSince = NULL, blockedBy = NULL, blockedSince = NULL,
                        httpStatus = ?, errorCode = ?, errorMessage = ?, errorTarget = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [call.httpStatus, call.errorCode, call.errorMessage, call.errorTarget, rowId])
        case .waitForDevice(let blocker, let since, let checkAt):
            try db.cachedStatement(
                sql: """
                    UPDATE jobRow SET state = 'waiting-for-device', nextAttemptAt = ?, inDoubtSince = NULL,
                        attempts = MAX(attempts - 1, 0), blockedBy = ?, blockedSince = COALESCE(blockedSince, ?),
                        httpStatus = ?, errorCode = 'device-busy',
                        errorMessage = 'waiting for action ' || ? || ', open on this device since ' || ? || '; sent again once it is final'
                    WHERE id = ?
                    """
            ).execute(arguments: [checkAt, blocker, since, call.httpStatus, blocker, MDEDate.formatSeconds(since), rowId])
        case .unchanged:
            break
        }
    }

    /// Pauses an API for everyone on the tenant until `until` (after a 429).
    public func pauseAPI(tenant: String, api: QuotaAPI, until: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO apiPause (tenant, api, until) VALUES (?, ?, ?)
                    ON CONFLICT(tenant, api) DO UPDATE SET until = MAX(until, excluded.until)
                    """, arguments: [tenant, api.rawValue, until])
        }
    }

    /// Turns the job's rows left `sending` by a process that died into in-doubt `pending`
    /// rows: they are looked up before anything is sent again. Call it only while holding
    /// the job's lock.
    @discardableResult
    public func reclaimSendingRows(jobId: String) throws -> Int {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = 'pending', inDoubtSince = COALESCE(inDoubtSince, lastSentAt)
                    WHERE jobId = ? AND state = 'sending'
                    """, arguments: [jobId])
            return db.changesCount
        }
    }

    /// Rows of a job with work left (`pending`, or a `cancel-accepted` row to read back) that are due at `now`, in input order, after `afterId`.
    public func dueRows(jobId: String, now: Date, afterId: Int64, limit: Int) throws -> [RowRecord] {
        try writer.read { db in
            try RowRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobRow
                    WHERE jobId = ? AND id > ? AND state IN \(RowState.sqlList(RowState.workable)) AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?)
                    ORDER BY id LIMIT ?
                    """, arguments: [jobId, afterId, now, limit])
        }
    }

    /// The earliest instant a pending row of the job becomes due, if any is waiting.
    public func nextDueDate(jobId: String) throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT MIN(nextAttemptAt) FROM jobRow
                    WHERE jobId = ? AND nextAttemptAt IS NOT NULL AND state IN \(RowState.sqlList(RowState.workable))
                    """,
                arguments: [jobId])
        }
    }

    /// How many rows of the job are still open (`RowState.open`), from the job's counters.
    public func openRowCount(jobId: String) throws -> Int {
        try writer.read { db in
            let open = Set(RowState.open.map(\.rawValue))
            return try Self.jobRowCounters(db, jobId: jobId).reduce(0) { $0 + (open.contains($1.key.state) ? $1.value : 0) }
        }
    }

    /// Every attempt of a job, oldest first (the audit trail).
    public func attempts(jobId: String) throws -> [AttemptRecord] {
        try writer.read { db in
            try AttemptRecord.filter(Column("jobId") == jobId).order(Column("id")).fetchAll(db)
        }
    }

    /// One row by id.
    public func row(id: Int64) throws -> RowRecord? {
        try writer.read { db in
            try RowRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM jobRow WHERE id = ?"), arguments: [id])
        }
    }
}

extension StateStore {
    /// The calls of a tenant's API that may still count in a window of at most `lookback`
    /// seconds at `now`, as the quota arithmetic sees them: a call still in flight past its
    /// deadline (its process died) counts as completed at the deadline.
    public func ledgerCalls(tenant: String, api: QuotaAPI, now: Date, lookback: TimeInterval) throws -> [LedgerCall] {
        try writer.read { db in try Self.ledgerCalls(db, tenant: tenant, api: api, now: now, lookback: lookback) }
    }

    /// Read through SQLite's C API: this runs in every reservation, inside the write lock.
    static func ledgerCalls(_ db: Database, tenant: String, api: QuotaAPI, now: Date, lookback: TimeInterval) throws
        -> [LedgerCall]
    {
        let statement = try db.cachedStatement(
            sql: "SELECT sentAt, completedAt, deadline FROM ledgerEntry WHERE tenant = ? AND api = ? AND deadline > ?")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(handle, 1, tenant, -1, transient)
        sqlite3_bind_text(handle, 2, api.rawValue, -1, transient)
        let nowSeconds = now.timeIntervalSince1970
        sqlite3_bind_double(handle, 3, nowSeconds - lookback)
        var calls: [LedgerCall] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "reading the quota ledger failed")
            }
            let sent = sqlite3_column_double(handle, 0)
            let deadline = sqlite3_column_double(handle, 2)
            let completed: Double? =
                sqlite3_column_type(handle, 1) != SQLITE_NULL
                ? sqlite3_column_double(handle, 1) : (nowSeconds >= deadline ? deadline : nil)
            calls.append(
                LedgerCall(
                    sentAt: Date(timeIntervalSince1970: sent), completedAt: completed.map(Date.init(timeIntervalSince1970:))))
        }
        sqlite3_reset(handle)
        return calls
    }
}

extension StateStore {
    /// The lookup found nothing after the visibility delay: the row may be sent again.
    public func clearInDoubt(rowId: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE jobRow SET inDoubtSince = NULL WHERE id = ?", arguments: [rowId])
        }
    }
}
