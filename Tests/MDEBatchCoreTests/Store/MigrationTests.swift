import Foundation
import GRDB
import Testing

@testable import MDEBatchCore

/// State files written by earlier versions are brought along by the named migrations.
struct MigrationTests {
    /// A state file as the first version wrote it: a tagged quarantine job that ran, and a
    /// cancel job whose rows used the quarantine states.
    static func legacyStateFile() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try StateStore.migrator.migrate(queue, upTo: "v1-jobsRowsAttemptsLedger")
        try queue.write { db in
            let now = Date()
            try db.execute(
                sql: """
                    INSERT INTO job (id, kind, fingerprint, inputs, options, tenant, apiBase, createdAt, updatedAt, state, rowCount)
                    VALUES ('q-old', 'quarantine', 'f1', '["a.csv"]', '{"commentTag":true,"resubmit":false}', 'tenant-1/client-1',
                            'https://api.test', ?, ?, 'complete', 1),
                           ('c-old', 'cancel', 'f2', '["q-old"]', '{"comment":"stop","commentTag":false,"onlyOpen":true}', NULL,
                            NULL, ?, ?, 'interrupted', 6)
                    """, arguments: [now, now, now, now])
            let cancelRows: [(String, String?, String?, Int?, Bool)] = [
                // (state, actionId, actionStatus, httpStatus, adopted) → expected below
                ("pending", "a1", "Pending", 200, false),
                ("submitted", "a2", "Cancelled", 200, false),
                ("submitted", "a3", "Succeeded", 400, true),
                ("submitted", "a4", "InProgress", 200, false),
                ("failed", "a5", nil, 404, false),
                ("pending", nil, nil, nil, false),
            ]
            for (i, row) in cancelRows.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO jobRow (jobId, source, line, machineId, sha1, comment, state, targetActionId, actionId,
                                            actionStatus, httpStatus, adopted, attempts)
                        VALUES ('c-old', 'q-old', ?, 'm', 's', 'stop', ?, ?, ?, ?, ?, ?, 1)
                        """, arguments: [i + 2, row.0, "t\(i)", row.1, row.2, row.3, row.4])
            }
        }
        return queue
    }

    @Test func cancelRowsGetTheirOwnStatesAndJobsGetAPlan() throws {
        let queue = try Self.legacyStateFile()
        try StateStore.migrator.migrate(queue)
        let states = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT state FROM jobRow WHERE jobId = 'c-old' ORDER BY id")
        }
        #expect(states == ["cancel-accepted", "cancelled", "already-final", "cancel-requested", "not-found", "pending"])

        let store = try StateStore(queue, path: ":memory:")
        let quarantine = try store.job(id: "q-old")
        #expect(quarantine.plan?.commentSuffix == " [mdebatch q-old]")
        #expect(quarantine.plan?.target == JobTarget(apiBase: "https://api.test", tenant: "tenant-1"))
        #expect(quarantine.targetKey == quarantine.plan?.target?.key)
        #expect(quarantine.plan?.pacing == .defaults)
        let cancel = try store.job(id: "c-old")
        #expect(cancel.plan?.commentSuffix == "")
        #expect(cancel.plan?.target == nil)
        let counts = try store.counts(jobId: "c-old")
        #expect(counts.open == 2)
        #expect(counts[.cancelled] == 1)
    }
}
