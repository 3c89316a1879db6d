import Foundation
import GRDB

extension StateStore {
    /// Named migrations, only ever appended.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-jobsRowsAttemptsLedger") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("inputs", .text).notNull()
                t.column("options", .text).notNull()
                t.column("tenant", .text)
                t.column("apiBase", .text)
                t.column("parentJobId", .text).references("job")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("state", .text).notNull()
                t.column("rowCount", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "jobRow") { t in
                t.primaryKey("id", .integer)
                t.column("jobId", .text).notNull().references("job")
                t.column("source", .text).notNull()
                t.column("line", .integer).notNull()
                t.column("machineId", .text).notNull()
                t.column("sha1", .text).notNull()
                t.column("comment", .text).notNull()
                t.column("state", .text).notNull()
                t.column("targetActionId", .text)
                t.column("errorCode", .text)
                t.column("errorMessage", .text)
                t.column("errorTarget", .text)
                t.column("actionId", .text)
                t.column("actionStatus", .text)
                t.column("adopted", .boolean).notNull().defaults(to: false)
                t.column("httpStatus", .integer)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("firstSentAt", .datetime)
                t.column("lastSentAt", .datetime)
                t.column("submittedAt", .datetime)
                t.column("nextAttemptAt", .datetime)
                t.column("inDoubtSince", .datetime)
                t.column("cancelStatus", .text)
            }
            // Rows of one job are inserted in one transaction, so they are one contiguous
            // rowid range; the job's work queue walks that range. Only small partial
            // indexes, so a million-row ingest does not pay for random-key B-trees.
            try db.create(index: "jobRow_job", on: "jobRow", columns: ["jobId", "id"])
            try db.create(
                index: "jobRow_inFlight", on: "jobRow", columns: ["machineId", "sha1"],
                condition: Column("state") == "sending" || Column("state") == "submitted")
            try db.create(
                index: "jobRow_action", on: "jobRow", columns: ["actionId"],
                condition: Column("actionId") != nil)
            try db.create(table: "attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobId", .text).notNull().references("job")
                t.column("rowId", .integer).references("jobRow")
                t.column("api", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("outcome", .text)
                t.column("httpStatus", .integer)
                t.column("errorCode", .text)
                t.column("errorMessage", .text)
                t.column("errorTarget", .text)
                t.column("retryAfter", .double)
            }
            try db.create(index: "attempt_row", on: "attempt", columns: ["rowId"])
            try db.create(table: "ledgerEntry") { t in
                // Times are Unix seconds (REAL): every reservation reads these rows inside
                // its write transaction, and numbers compare and load without parsing.
                t.autoIncrementedPrimaryKey("id")
                t.column("tenant", .text).notNull()
                t.column("api", .text).notNull()
                t.column("sentAt", .double).notNull()
                t.column("completedAt", .double)
                // A call never lasts longer than its time-out: an entry left in flight by a
                // process that died counts as completed at this instant.
                t.column("deadline", .double).notNull()
            }
            // A call can count in a window only until `deadline + window`, so the rows a
            // reservation needs are one index range: deadline > now - longest window.
            try db.create(index: "ledgerEntry_window", on: "ledgerEntry", columns: ["tenant", "api", "deadline"])
            try db.create(table: "apiPause") { t in
                // A 429's Retry-After pauses an API for everyone on this tenant.
                t.column("tenant", .text).notNull()
                t.column("api", .text).notNull()
                t.column("until", .datetime).notNull()
                t.primaryKey(["tenant", "api"])
            }
        }
        migrator.registerMigration("v2-jobPlan") { db in
            // The job is the plan (docs/ARCHITECTURE.md): its target and how it is sent are
            // stored with it. Jobs made before keep their comment tag (from their options),
            // get default pacing, and the target they last ran against, if any.
            try db.alter(table: "job") { t in
                t.add(column: "targetKey", .text)
                t.add(column: "plan", .text)
            }
            try db.create(index: "job_identity", on: "job", columns: ["kind", "fingerprint", "targetKey"])
            let old = try Row.fetchAll(db, sql: "SELECT id, kind, options, tenant, apiBase FROM job")
            for row in old {
                let id: String = row["id"]
                let plan = JobRecord.legacyPlan(
                    id: id, kind: JobKind(rawValue: row["kind"]) ?? .quarantine, options: row["options"],
                    tenant: row["tenant"], apiBase: row["apiBase"])
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try db.execute(
                    sql: "UPDATE job SET plan = ?, targetKey = ? WHERE id = ?",
                    arguments: [String(decoding: try encoder.encode(plan), as: UTF8.self), plan.target?.key, id])
            }
        }
        migrator.registerMigration("v3-cancelRowStates") { db in
            // Cancel rows get states of their own (RowState) instead of reusing the
            // quarantine ones and deriving their outcome from status, 404 and `adopted`.
            try db.execute(
                sql: """
                    UPDATE jobRow SET state = CASE
                        WHEN state = 'pending' AND actionId IS NOT NULL THEN 'cancel-accepted'
                        WHEN state = 'failed' AND httpStatus = 404 THEN 'not-found'
                        WHEN state = 'submitted' AND (actionStatus IS NULL
                            OR actionStatus NOT IN ('Succeeded', 'Failed', 'TimeOut', 'Cancelled')) THEN 'cancel-requested'
                        WHEN state = 'submitted' AND actionStatus = 'Cancelled' AND NOT adopted THEN 'cancelled'
                        WHEN state = 'submitted' THEN 'already-final'
                        ELSE state END,
                        adopted = 0
                    WHERE targetActionId IS NOT NULL
                    """)
        }
        migrator.registerMigration("v4-busyDevices") { db in
            // A row can wait for its device to finish another action (RowState.waitingForDevice).
            try db.alter(table: "jobRow") { t in
                t.add(column: "blockedBy", .text)
                t.add(column: "blockedSince", .datetime)
            }
        }
        migrator.registerMigration("v5-ledgerRelease") { db in
            // A quota decision counts the calls whose effective completion is inside a
            // window: one index range instead of reading up to an hour of calls.
            try db.execute(
                sql: "CREATE INDEX ledgerEntry_release ON ledgerEntry (tenant, api, COALESCE(completedAt, deadline))")
        }
        migrator.registerMigration("v6-perf-jobCounters") { db in
            // `jobs`, `status`, progress and the end of a run read a job's rows per state from
            // counters that triggers keep in the transaction of every row change, instead of
            // counting up to a million rows; and the few rows a resume or `status` looks for
            // (sending, retrying later, waiting for a device) get small partial indexes of
            // their own. docs/PERFORMANCE.md, "Counting a job's rows".
            try StateStore.installJobCounters(db)
            try db.execute(sql: "CREATE INDEX jobRow_sending ON jobRow (jobId, state) WHERE state = 'sending'")
            try db.execute(
                sql: "CREATE INDEX jobRow_due ON jobRow (jobId, nextAttemptAt) WHERE nextAttemptAt IS NOT NULL")
            try db.execute(sql: "CREATE INDEX jobRow_blocked ON jobRow (jobId, blockedBy) WHERE blockedBy IS NOT NULL")
            try db.execute(
                sql: "CREATE INDEX attempt_statusRead ON attempt (jobId, finishedAt) WHERE outcome = 'status-read'")
        }
        migrator.registerMigration("v7-nameResolution") { db in
            // Rows may name their device by name and their file by SHA-256 (docs/INPUTS.md,
            // "Names and SHA-256"): what they gave is kept for the report, their machine id
            // and SHA-1 stay empty until the job resolves them, and the candidates of an
            // ambiguous name are kept with the row.
            try db.alter(table: "jobRow") { t in
                t.add(column: "deviceName", .text)
                t.add(column: "inputHash", .text)
                t.add(column: "candidates", .text)
            }
            // What each lookup found, per target: a name's inventory records (for a day),
            // a SHA-256's SHA-1 (for good; a miss for a day).
            try db.create(table: "deviceNameLookup") { t in
                t.column("targetKey", .text).notNull()
                t.column("name", .text).notNull()
                t.column("records", .text).notNull()
                t.column("fetchedAt", .double).notNull()
                t.primaryKey(["targetKey", "name"])
            }
            try db.create(table: "fileHashLookup") { t in
                t.column("targetKey", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("sha1", .text)
                t.column("fetchedAt", .double).notNull()
                t.primaryKey(["targetKey", "sha256"])
            }
            // The fleet size a sweep of the whole inventory saw, to choose sweeps next time.
            try db.create(table: "inventorySweep") { t in
                t.primaryKey("targetKey", .text)
                t.column("machines", .integer).notNull()
                t.column("sweptAt", .double).notNull()
            }
            try db.create(
                index: "jobRow_unresolved", on: "jobRow", columns: ["jobId"], condition: Column("state") == "unresolved")
        }
        migrator.registerMigration("v8-perf-ledgerInFlight") { db in
            // A quota decision counts the calls still in flight and looks for calls sent
            // "in the future" (a clock that runs ahead): both were ranges of deadlines, which
            // read every call sent within one request time-out (up to 1,500 table rows at a
            // scaled clock). Now each is a range of an index that holds just those calls.
            try db.execute(
                sql: "CREATE INDEX ledgerEntry_inFlight ON ledgerEntry (tenant, api, deadline) WHERE completedAt IS NULL")
            try db.execute(sql: "CREATE INDEX ledgerEntry_sent ON ledgerEntry (tenant, api, sentAt)")
        }
        migrator.registerMigration("v9-perf-ledgerVersion") { db in
            // A reservation decides from this connection's copy of the recent ledger
            // (LedgerMirror), used only while the ledger is at the version it was read at.
            // Triggers bump the version in the transaction of every change, whoever makes it.
            // docs/PERFORMANCE.md, "Client CPU per action".
            try db.execute(
                sql: """
                    CREATE TABLE ledgerVersion (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                    INSERT INTO ledgerVersion (id, version) VALUES (1, 0);
                    CREATE TRIGGER ledgerEntry_versionOnInsert AFTER INSERT ON ledgerEntry
                    BEGIN UPDATE ledgerVersion SET version = version + 1 WHERE id = 1; END;
                    CREATE TRIGGER ledgerEntry_versionOnUpdate AFTER UPDATE ON ledgerEntry
                    BEGIN UPDATE ledgerVersion SET version = version + 1 WHERE id = 1; END;
                    CREATE TRIGGER ledgerEntry_versionOnDelete AFTER DELETE ON ledgerEntry
                    BEGIN UPDATE ledgerVersion SET version = version + 1 WHERE id = 1; END;
                    """)
            // The counts these served are made in memory now; reading the ledger again uses
            // ledgerEntry_release and ledgerEntry_window.
            try db.execute(sql: "DROP INDEX ledgerEntry_inFlight")
            try db.execute(sql: "DROP INDEX ledgerEntry_sent")
        }
        // Migrations for future versions are appended here.
        return migrator
    }
}
