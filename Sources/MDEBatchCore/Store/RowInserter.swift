import GRDB
import GRDBSQLite

/// Inserts the rows of one job inside its ingest transaction.
///
/// It binds through SQLite's C API on one prepared statement: ingest of a million rows is
/// the one hot loop of the store, and GRDB's per-row `StatementArguments` cost about a
/// quarter of the time there (docs/PERFORMANCE.md, "SQLite inserts"; `mdebatch-bench` measures it).
public final class RowInserter {
    private let statement: Statement
    private let jobId: String
    /// Keys (machineId|sha1) that other jobs already sent, with a description of where.
    private let alreadySubmitted: [String: String]
    private let resubmit: Bool
    public private(set) var count = 0
    public private(set) var alreadySubmittedCount = 0

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
    }

    /// Inserts one row; a valid row whose key another job already submitted becomes
    /// `already-submitted` unless the job was created with `resubmit`.
    public func insert(_ row: NewRow) throws {
        var row = row
        if row.state == .pending, !resubmit, !alreadySubmitted.isEmpty,
            let previous = alreadySubmitted[row.machineId + "|" + row.sha1]
        {
            row.state = .alreadySubmitted
            row.errorCode = RowState.alreadySubmitted.rawValue
            row.errorMessage = "already submitted by \(previous); use --resubmit to send it again"
            alreadySubmittedCount += 1
        }
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        bind(handle, 1, jobId)
        bind(handle, 2, row.source)
        sqlite3_bind_int64(handle, 3, Int64(row.line))
        bind(handle, 4, row.machineId)
        bind(handle, 5, row.sha1)
        bind(handle, 6, row.comment)
        bind(handle, 7, row.state.rawValue)
        bind(handle, 8, row.errorCode)
        bind(handle, 9, row.errorMessage)
        bind(handle, 10, row.targetActionId)
        bind(handle, 11, row.deviceName)
        bind(handle, 12, row.inputHash)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "inserting a row failed")
        }
        count += 1
    }

    private func bind(_ handle: OpaquePointer, _ index: Int32, _ value: String?) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        var text = value
        text.withUTF8 { buffer in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            _ = sqlite3_bind_text(
                handle, index, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(buffer.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }
}
