import GRDB

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
/// There is no insert trigger: it cost 5 to 8 µs a row, as much as the insert itself
/// (measured with `mdebatch-bench dry_run`: docs/PERFORMANCE.md, "Counting a job's rows").
/// Code that inserts rows adds them with `addNewJobRowCounts` in the same transaction:
/// `createJob` what its ``RowInserter`` counted as it inserted, `applyResolution` the rows
/// `--all-matches` adds.
extension StateStore {
    /// The trigger names, to check that they exist (a later migration that rebuilt `jobRow`
    /// would drop them with it: a test guards that).
    static let jobCounterTriggers = ["jobRowCount_delete", "jobRowCount_update"]

    /// Adds rows just inserted into a job to its counters, in the inserting transaction.
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
