import Foundation
import GRDB
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// The per-job counters (`jobRowCount`, kept by triggers) always agree with a full count of
/// the rows, whatever sequence of changes, crashes and rolled-back transactions led there.
struct JobCountersTests {
    struct Rollback: Error {}

    /// A state file in a fresh folder, and a way to open it again as a new process would.
    final class StateFile {
        let directory: URL
        var store: StateStore

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-counters-\(UUID().uuidString)")
            store = try StateStore.open(path: directory.appendingPathComponent("state.sqlite").path)
        }

        /// The process died: whatever it held in memory is gone; the next one opens the file.
        func crash() throws {
            store = try StateStore.open(path: store.path)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let statuses: [String?] = [nil, "Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"]
    static let target = JobTarget(apiBase: "https://api.test", tenant: "tenant-1")

    static func ingest(_ store: StateStore, kind: JobKind, rows: Int, content: String, target: JobTarget?, targets: [String] = [])
        throws -> JobRecord
    {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let spec = NewJob(kind: kind, inputs: ["t.csv"], options: "{}", target: target)
        return try #require(
            try store.createJob(spec, now: now) { inserter in
                for i in 0..<rows {
                    let state: RowState = i % 11 == 5 ? .invalid : (i % 13 == 7 ? .duplicate : .pending)
                    try inserter.insert(
                        NewRow(
                            source: "t.csv", line: i + 2, machineId: String(format: "%040x", i % 17),
                            sha1: String(repeating: "c", count: 32) + String(format: "%08x", i), comment: "row \(i)",
                            state: state,
                            targetActionId: kind == .cancel ? targets[i % targets.count] : nil))
                }
                return content
            }.job)
    }

    /// Every job's counters against a count of its rows, and what the store's readers make of them.
    static func expectAgreement(_ store: StateStore, _ step: String, seed: UInt64) throws {
        try store.writer.read { db in
            for jobId in try String.fetchAll(db, sql: "SELECT id FROM job") {
                let counters = try StateStore.jobRowCounters(db, jobId: jobId)
                let recount = try StateStore.recountedJobRowCounters(db, jobId: jobId)
                #expect(counters == recount, "seed \(seed), after \(step), job \(jobId)")
            }
        }
        for job in try store.jobs() {
            let open = try store.writer.read { db in
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM jobRow WHERE jobId = ? AND state IN \(RowState.sqlList(RowState.open))",
                    arguments: [job.id])
            }
            #expect(try store.openRowCount(jobId: job.id) == open, "seed \(seed), after \(step)")
            let tally = try store.writer.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS tracked, COALESCE(SUM(CASE WHEN \(StateStore.openStatusSQL) THEN 1 ELSE 0 END), 0) AS open
                        FROM jobRow WHERE jobId = ? AND \(StateStore.trackingSQL) AND \(StateStore.trackedActionSQL) IS NOT NULL
                        """, arguments: [job.id])
            }
            #expect(
                try store.actionTally(jobId: job.id) == ActionTally(tracked: tally?["tracked"] ?? 0, open: tally?["open"] ?? 0),
                "seed \(seed), after \(step)")
        }
    }

    @Test func countersAgreeWithTheRowsAfterARandomSequenceOfChangesCrashesAndRollbacks() throws {
        var random = SeededGenerator.fromEnvironment()
        let seed = random.seed
        let file = try StateFile()
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        let quarantine = try Self.ingest(file.store, kind: .quarantine, rows: 60, content: "q", target: Self.target)
        // The same content for no target yet: binding it marks what the first job submitted.
        let unbound = try Self.ingest(file.store, kind: .quarantine, rows: 30, content: "q2", target: nil)
        var jobs = [quarantine.id, unbound.id]
        var slots: [(slot: QuotaGate.Slot, rowId: Int64, jobId: String, kind: JobKind)] = []
        var madeCancelJob = false
        try Self.expectAgreement(file.store, "ingest", seed: seed)

        for step in 0..<400 {
            let store = file.store
            now = now.addingTimeInterval(1)
            let jobId = jobs.randomElement(using: &random)!
            let kind = try store.job(id: jobId).kind
            let rows = try store.rows(jobId: jobId, afterId: 0, limit: 1000)
            let row = rows.randomElement(using: &random)!
            let operation = Int.random(in: 0..<14, using: &random)
            var name = "step \(step)"
            switch operation {
            case 0, 1, 2:
                name += ": reserve a send"
                if case .granted(let attemptId, let ledgerId) = try store.reserveSlot(
                    for: .send(rowId: row.id), jobId: jobId, tenant: "t/c", api: .stopAndQuarantine, now: now,
                    requestTimeout: 30, decide: { _, _ in .go })
                {
                    slots.append((QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: now), row.id, jobId, kind))
                }
            case 3, 4, 5:
                guard !slots.isEmpty else { continue }
                let taken = slots.remove(at: Int.random(in: 0..<slots.count, using: &random))
                let status = Self.statuses.randomElement(using: &random)!
                let changes: [RowChange]
                if taken.kind == .cancel {
                    changes = [
                        .accepted(actionStatus: status, readAt: now),
                        .final(actionStatus: "Cancelled", cancelledByUs: true, note: nil),
                        .final(actionStatus: "Succeeded", cancelledByUs: false, note: "done"), .stillOpen(actionStatus: status),
                        .notFound, .row(.failed), .row(.retry(at: now, inDoubt: true, refundAttempt: false)),
                    ]
                } else {
                    changes = [
                        .row(
                            .submitted(actionId: "a-\(taken.rowId)", actionStatus: status, adopted: Bool.random(using: &random))),
                        .row(.retry(at: now.addingTimeInterval(5), inDoubt: Bool.random(using: &random), refundAttempt: true)),
                        .row(.failed),
                        .row(.waitForDevice(blockingActionId: "b-\(taken.rowId % 3)", since: now, checkAt: now)),
                        .unchanged,
                    ]
                }
                let change = changes.randomElement(using: &random)!
                name += ": record \(change)"
                try store.record(
                    slot: taken.slot, rowId: taken.rowId, now: now, call: CallRecord(outcome: .submitted, httpStatus: 201),
                    change: change)
            case 6:
                name += ": crash, then reclaim"
                slots.removeAll()
                try file.crash()
                for id in jobs { try file.store.reclaimSendingRows(jobId: id) }
            case 7:
                name += ": statuses by row"
                let picked = rows.shuffled(using: &random).prefix(5).map {
                    ($0.id, Self.statuses.compactMap { $0 }.randomElement(using: &random)!)
                }
                try store.setActionStatuses(picked)
            case 8:
                name += ": statuses by action id"
                let picked = rows.compactMap(\.actionId).shuffled(using: &random).prefix(5).map {
                    ($0, Self.statuses.compactMap { $0 }.randomElement(using: &random)!)
                }
                _ = try store.setActionStatuses(jobId: jobId, byActionId: picked)
            case 9:
                name += ": devices settled"
                try store.settleBlockers(
                    jobId: jobId, released: ["b-\(Int.random(in: 0..<3, using: &random))"], stillOpen: ["b-1"], recheckAt: now)
                try store.returnRefusedRows([row.id])
            case 10:
                name += ": a transaction rolled back"
                #expect(throws: Rollback.self) {
                    try store.writer.write { db in
                        try db.execute(
                            sql: "UPDATE jobRow SET state = 'failed', actionStatus = 'Failed' WHERE jobId = ?", arguments: [jobId]
                        )
                        try db.execute(
                            sql: """
                                INSERT INTO jobRow (jobId, source, line, machineId, sha1, comment, state)
                                VALUES (?, 'x.csv', 1, 'm', 's', 'c', 'pending')
                                """, arguments: [jobId])
                        throw Rollback()
                    }
                }
            case 11:
                name += ": bind, or make a cancel job"
                if try store.job(id: unbound.id).targetKey == nil {
                    _ = try store.bind(jobId: unbound.id, to: Self.target, resubmit: false, now: now)
                } else if !madeCancelJob {
                    let targets = try store.actionRows(jobId: quarantine.id).compactMap(\.actionId)
                    guard !targets.isEmpty else { continue }
                    let cancel = try Self.ingest(
                        store, kind: .cancel, rows: 20, content: "c", target: Self.target, targets: targets)
                    jobs.append(cancel.id)
                    madeCancelJob = true
                    try store.skipKnownFinalTargets(jobId: cancel.id, now: now)
                }
            case 12:
                name += ": an existing job found again (its new rows rolled back)"
                _ = try Self.ingest(store, kind: .quarantine, rows: 60, content: "q", target: Self.target)
            default:
                name += ": a rejected row deleted"
                guard let rejected = rows.first(where: { $0.state == .invalid || $0.state == .duplicate }) else { continue }
                try store.writer.write { db in try db.execute(sql: "DELETE FROM jobRow WHERE id = ?", arguments: [rejected.id]) }
            }
            try Self.expectAgreement(file.store, name, seed: seed)
        }
    }

    @Test func theMigrationCountsTheRowsAlreadyThereAndLaterMigrationsKeepTheTriggers() throws {
        let queue = try MigrationTests.legacyStateFile()
        try StateStore.migrator.migrate(queue)
        try queue.read { db in
            for jobId in ["q-old", "c-old"] {
                #expect(try StateStore.jobRowCounters(db, jobId: jobId) == StateStore.recountedJobRowCounters(db, jobId: jobId))
            }
            #expect(try StateStore.jobRowCounters(db, jobId: "c-old").values.reduce(0, +) == 6)
            // Every migration after v6-perf-jobCounters must leave the triggers in place
            // (rebuilding jobRow drops them: create them again and recount in that migration).
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            #expect(Set(StateStore.jobCounterTriggers).isSubset(of: Set(triggers)))
        }
    }
}
