import GRDB
import GRDBSQLite

/// Inserts the rows of one job inside its ingest transaction.
///
/// It binds through SQLite's C API on one prepared statement: ingest of a million rows is
/// the one hot loop of the store, and GRDB's per-row `StatementArguments` cost about a
/// quarter of the time there (docs/PERFORMANCE.md, "SQLite inserts"; `mdebatch-bench` measures it).
///
/// Per row it copies the row's text into one reused buffer and binds it without a copy
/// (`SQLITE_STATIC`): SQLite's own copy of every bound text was a `malloc` and a `free`
/// per column and row. The job id is bound once, the source name when it changes. It also
/// counts the rows it inserted per counter key, so the job's counters need no second pass
/// over its rows (`StateStore.addNewJobRowCounts`).
public final class RowInserter {
    private let statement: Statement
    private let jobId: String
    /// Keys (machineId|sha1) that other jobs already sent, with a description of where.
    private let alreadySubmitted: [String: String]
    private let resubmit: Bool
    public private(set) var count = 0
    public private(set) var alreadySubmittedCount = 0
    /// Rows inserted per state and whether they hold a target action id: what the job's
    /// counters need (a new row is never adopted and has no action status). Counted in
    /// runs of equal keys, so most rows cost a comparison, not a dictionary update.
    private var stateCounts: [StateStore.JobRowCounter: Int] = [:]
    private var runState: RowState?
    private var runTracked = false
    private var runLength = 0
    /// The source name bound to parameter 2, if any.
    private var boundSource: String?
    /// Holds the bytes of the texts bound to the current row.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int

    init(db: Database, jobId: String, alreadySubmitted: [String: String], resubmit: Bool) throws {
        statement = try db.makeStatement(
            sql: """
                INSERT INTO jobRow (jobId, source, line, machineId, sha1, comment, state,
                                    errorCode, errorMessage, targetActionId, deviceName, inputHash, adopted, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
                """)
        self.jobId = jobId
        self.alreadySubmitted = alreadySubmitted
        self.resubmit = resubmit
        arenaCapacity = 4096
        arena = .allocate(capacity: arenaCapacity)
        // Bindings outlive `sqlite3_reset`: the job id stays bound for every row.
        Self.bindTransient(statement.sqliteStatement, 1, jobId)
    }

    deinit {
        sqlite3_clear_bindings(statement.sqliteStatement)
        arena.deallocate()
    }

    /// Inserts one row; a valid row whose key another job already submitted becomes
    /// `already-submitted` unless the job was created with `resubmit`.
    public func insert(_ row: NewRow) throws {
        try insert(
            source: row.source, line: row.line, machineId: row.machineId, sha1: row.sha1, comment: row.comment,
            state: row.state, errorCode: row.errorCode, errorMessage: row.errorMessage, targetActionId: row.targetActionId,
            deviceName: row.deviceName, inputHash: row.inputHash)
    }

    /// Inserts one row given column by column: what `insert(_:)` does with a ``NewRow``, for
    /// callers that have the values without one.
    func insert(
        source: String, line: Int, machineId: String, sha1: String, comment: String, state givenState: RowState,
        errorCode givenErrorCode: String?, errorMessage givenErrorMessage: String?, targetActionId: String?,
        deviceName: String?, inputHash: String?
    ) throws {
        var state = givenState
        var errorCode = givenErrorCode
        var errorMessage = givenErrorMessage
        if state == .pending, !resubmit, !alreadySubmitted.isEmpty,
            let previous = alreadySubmitted[machineId + "|" + sha1]
        {
            state = .alreadySubmitted
            errorCode = RowState.alreadySubmitted.rawValue
            errorMessage = "already submitted by \(previous); use --resubmit to send it again"
            alreadySubmittedCount += 1
        }
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        if boundSource != source {
            Self.bindTransient(handle, 2, source)
            boundSource = source
        }
        sqlite3_bind_int64(handle, 3, Int64(line))
        // Every text of the row is copied into the arena, sized for the whole row first so
        // that it does not move while the row is bound, and bound without a copy.
        let given: Int = machineId.utf8.count + sha1.utf8.count + comment.utf8.count + state.rawValue.utf8.count
        let errors: Int = (errorCode?.utf8.count ?? 0) + (errorMessage?.utf8.count ?? 0)
        let others: Int = (targetActionId?.utf8.count ?? 0) + (deviceName?.utf8.count ?? 0) + (inputHash?.utf8.count ?? 0)
        reserveArena(given + errors + others)
        arenaUsed = 0
        bindStatic(handle, 4, machineId)
        bindStatic(handle, 5, sha1)
        bindStatic(handle, 6, comment)
        bindStatic(handle, 7, state.rawValue)
        bindStatic(handle, 8, errorCode)
        bindStatic(handle, 9, errorMessage)
        bindStatic(handle, 10, targetActionId)
        bindStatic(handle, 11, deviceName)
        bindStatic(handle, 12, inputHash)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "inserting a row failed")
        }
        count += 1
        let tracked = targetActionId != nil
        if state != runState || tracked != runTracked {
            flushRun()
            runState = state
            runTracked = tracked
        }
        runLength += 1
    }

    private func flushRun() {
        guard let state = runState, runLength > 0 else { return }
        let key = StateStore.JobRowCounter(state: state.rawValue, adopted: false, actionStatus: nil, tracked: runTracked)
        stateCounts[key, default: 0] += runLength
        runLength = 0
    }

    /// What the job's counters gain from the rows inserted so far.
    var counters: [StateStore.JobRowCounter: Int] {
        flushRun()
        return stateCounts
    }

    // MARK: - Binding

    private var arenaUsed = 0

    /// Makes the arena hold `needed` bytes: a row's texts (the previous row's are no longer needed).
    private func reserveArena(_ needed: Int) {
        guard needed > arenaCapacity else { return }
        var capacity = arenaCapacity
        while capacity < needed { capacity *= 2 }
        arena.deallocate()
        arena = .allocate(capacity: capacity)
        arenaCapacity = capacity
    }

    /// Copies `value` into the arena after the row's texts so far and binds it there without a
    /// copy (SQLITE_STATIC: the bytes stay put until the next row, after this row's step), or
    /// binds NULL.
    private func bindStatic(_ handle: OpaquePointer, _ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            let start = arena + arenaUsed
            if let base = bytes.baseAddress, bytes.count > 0 { start.update(from: base, count: bytes.count) }
            arenaUsed += bytes.count
            _ = sqlite3_bind_text(
                handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        }
    }

    private static func bindTransient(_ handle: OpaquePointer, _ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { buffer in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            _ = sqlite3_bind_text(
                handle, index, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(buffer.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }
}
