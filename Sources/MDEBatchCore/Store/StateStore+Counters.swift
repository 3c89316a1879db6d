import GRDB
import GRDBSQLite

/// Per-job row counters (migration `v6-perf-jobCounters`; docs/PERFORMANCE.md, "Counting a
/// job's rows").
///
/// `jobRowCount` holds, per job, how many rows have each combination of what the counts
/// read: state, `adopted`, action status (`''` for none) and whether the row holds an action
/// id (`tracked`). Triggers on `jobRow` keep it in the same transaction as every delete and
/// every change of those columns, whichever code makes it, so a crash between two
/// transactions leaves rows and counters agreeing. A key whose rows all moved on keeps a
/// zero count.
///
/// Rows are inserted only by `createJob`, which adds the new job's rows to its counters
/// once, in its transaction, before it commits: its ``RowInserter`` counts them as it
/// inserts them (`addNewJobRowCounts`). An insert trigger would do the same
/// row by row, but it cost 5 to 8 µs a row, as much as the insert itself (measured with
/// `mdebatch-bench dry_run`: docs/PERFORMANCE.md, "Counting a job's rows"). Code that
/// inserts rows anywhere else must call `countNewJobRows` (one pass over the job's rows) too.
extension StateStore {
    /// The trigger names, to check that they exist (a later migration that rebuilt `jobRow`
    /// would drop them with it: a test guards that).
    static let jobCounterTriggers = ["jobRowCount_delete", "jobRowCount_update"]

    /// Counts the rows of a job just ingested into its counters, in the ingest's
    /// transaction: one pass over the job's rows (one contiguous rowid range), read through
    /// SQLite's C API and summed in runs of equal keys (a `GROUP BY` sorts every row first,
    /// which cost 0.9 s for a million rows).
    static func countNewJobRows(_ db: Database, jobId: String) throws {
        let statement = try db.makeStatement(
            sql: """
                SELECT state, adopted, actionStatus, COALESCE(actionId, targetActionId) IS NOT NULL
                FROM jobRow WHERE jobId = ?
                """)
        let handle = statement.sqliteStatement
        sqlite3_bind_text(handle, 1, jobId, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        var counters: [JobRowCounter: Int] = [:]
        // The key of the current run of rows, as the bytes SQLite returned, and its length.
        var runBytes: [UInt8] = []
        var runKey: JobRowCounter?
        var runLength = 0
        var bytes: [UInt8] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "counting the job's rows failed")
            }
            // state, 0x1F, adopted, tracked, status (or 0x1E for none): one comparable key.
            bytes.removeAll(keepingCapacity: true)
            Self.appendText(handle, 0, to: &bytes)
            bytes.append(0x1F)
            bytes.append(sqlite3_column_int64(handle, 1) != 0 ? 1 : 0)
            bytes.append(sqlite3_column_int64(handle, 3) != 0 ? 1 : 0)
            if sqlite3_column_type(handle, 2) == SQLITE_NULL {
                bytes.append(0x1E)
            } else {
                Self.appendText(handle, 2, to: &bytes)
            }
            if runKey != nil, bytes == runBytes {
                runLength += 1
                continue
            }
            if let key = runKey { counters[key, default: 0] += runLength }
            let status = sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : String(cString: sqlite3_column_text(handle, 2))
            runKey = JobRowCounter(
                state: String(cString: sqlite3_column_text(handle, 0)), adopted: sqlite3_column_int64(handle, 1) != 0,
                actionStatus: status?.isEmpty == true ? nil : status, tracked: sqlite3_column_int64(handle, 3) != 0)
            runBytes = bytes
            runLength = 1
        }
        if let key = runKey { counters[key, default: 0] += runLength }
        try addNewJobRowCounts(db, jobId: jobId, counters: counters)
    }

    /// Adds rows just inserted into a job to its counters, in the inserting transaction:
    /// `createJob` passes what its ``RowInserter`` counted as it inserted, so the new rows
    /// are not read again.
    static func addNewJobRowCounts(_ db: Database, jobId: String, counters: [JobRowCounter: Int]) throws {
        let upsert = try db.makeStatement(
            sql: """
                INSERT INTO jobRowCount (jobId, state, adopted, actionStatus, tracked, n) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (jobId, state, adopted, actionStatus, tracked) DO UPDATE SET n = n + excluded.n
                """)
        for (key, n) in counters {
            try upsert.execute(arguments: [jobId, key.state, key.adopted, key.actionStatus ?? "", key.tracked, n])
        }
    }

    private static func appendText(_ handle: OpaquePointer, _ column: Int32, to bytes: inout [UInt8]) {
        guard let text = sqlite3_column_text(handle, column) else { return }
        bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))))
    }

    /// Creates the counters table and its triggers, and counts the rows already there.
    ///
    /// (Only in migration `v6-perf-jobCounters`: a later change to the counters is a new migration.)
    static func installJobCounters(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE jobRowCount (
                    jobId TEXT NOT NULL,
                    state TEXT NOT NULL,
                    adopted INTEGER NOT NULL,
                    actionStatus TEXT NOT NULL,
                    tracked INTEGER NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (jobId, state, adopted, actionStatus, tracked)
                ) WITHOUT ROWID;

                INSERT INTO jobRowCount (jobId, state, adopted, actionStatus, tracked, n)
                SELECT jobId, state, adopted, COALESCE(actionStatus, ''), COALESCE(actionId, targetActionId) IS NOT NULL, count(*)
                FROM jobRow GROUP BY 1, 2, 3, 4, 5;

                CREATE TRIGGER jobRowCount_delete AFTER DELETE ON jobRow BEGIN
                    UPDATE jobRowCount SET n = n - 1
                    WHERE jobId = OLD.jobId AND state = OLD.state AND adopted = OLD.adopted
                      AND actionStatus = COALESCE(OLD.actionStatus, '')
                      AND tracked = (COALESCE(OLD.actionId, OLD.targetActionId) IS NOT NULL);
                END;

                CREATE TRIGGER jobRowCount_update
                AFTER UPDATE OF jobId, state, adopted, actionStatus, actionId, targetActionId ON jobRow
                WHEN OLD.jobId IS NOT NEW.jobId OR OLD.state IS NOT NEW.state OR OLD.adopted IS NOT NEW.adopted
                  OR OLD.actionStatus IS NOT NEW.actionStatus
                  OR (COALESCE(OLD.actionId, OLD.targetActionId) IS NULL) != (COALESCE(NEW.actionId, NEW.targetActionId) IS NULL)
                BEGIN
                    UPDATE jobRowCount SET n = n - 1
                    WHERE jobId = OLD.jobId AND state = OLD.state AND adopted = OLD.adopted
                      AND actionStatus = COALESCE(OLD.actionStatus, '')
                      AND tracked = (COALESCE(OLD.actionId, OLD.targetActionId) IS NOT NULL);
                    INSERT INTO jobRowCount (jobId, state, adopted, actionStatus, tracked, n)
                    VALUES (NEW.jobId, NEW.state, NEW.adopted, COALESCE(NEW.actionStatus, ''),
                            COALESCE(NEW.actionId, NEW.targetActionId) IS NOT NULL, 1)
                    ON CONFLICT (jobId, state, adopted, actionStatus, tracked) DO UPDATE SET n = n + 1;
                END;
                """)
    }

    /// One counter: rows of a job with these values.
    struct JobRowCounter: Hashable {
        var state: String
        var adopted: Bool
        /// Nil when the rows have no action status.
        var actionStatus: String?
        var tracked: Bool
    }

    /// The job's counters (keys with rows only).
    static func jobRowCounters(_ db: Database, jobId: String) throws -> [JobRowCounter: Int] {
        var counters: [JobRowCounter: Int] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT state, adopted, actionStatus, tracked, n FROM jobRowCount WHERE jobId = ? AND n != 0"),
            arguments: [jobId])
        while let row = try rows.next() {
            let status: String = row["actionStatus"]
            let key = JobRowCounter(
                state: row["state"], adopted: row["adopted"], actionStatus: status.isEmpty ? nil : status, tracked: row["tracked"]
            )
            counters[key, default: 0] += row["n"] as Int
        }
        return counters
    }

    /// The same counters, counted from the rows themselves (for tests and checks; reads every row of the job).
    static func recountedJobRowCounters(_ db: Database, jobId: String) throws -> [JobRowCounter: Int] {
        var counters: [JobRowCounter: Int] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT state, adopted, actionStatus, COALESCE(actionId, targetActionId) IS NOT NULL AS tracked, count(*) AS n
                FROM jobRow WHERE jobId = ? GROUP BY 1, 2, 3, 4
                """, arguments: [jobId])
        while let row = try rows.next() {
            let status: String? = row["actionStatus"]
            let key = JobRowCounter(
                state: row["state"], adopted: row["adopted"], actionStatus: status?.isEmpty == true ? nil : status,
                tracked: row["tracked"])
            counters[key, default: 0] += row["n"] as Int
        }
        return counters
    }
}
