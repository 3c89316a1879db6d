import Foundation
import GRDB
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// Two jobs on one state file — two processes, each with its own connection and its own
/// copy of the ledger (`LedgerMirror`) — together stay under every limit, whatever order
/// their reservations, completions and failed transactions come in.
struct SharedLedgerTests {
    struct Rollback: Error {}

    static let policy = QuotaPolicy(limits: [RateLimit(limit: 10, window: 60), RateLimit(limit: 40, window: 600)])
    static let tenant = "tenant-1"

    /// One simulated process: its own connection, its own job, and when it next tries.
    struct Process {
        var store: StateStore
        var jobId: String
        var wakeAt: Double
        var sent = 0
    }

    static func open(_ path: String, job: String) throws -> Process {
        let store = try StateStore.open(path: path)
        let spec = NewJob(kind: .quarantine, inputs: [job], options: "{}")
        let created = try #require(try store.createJob(spec, now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in job }.job)
        return Process(store: store, jobId: created.id, wakeAt: 1_800_000_000)
    }

    /// A call recorded long after its deadline counts again from its completion, though the
    /// copy had already forgotten it as a dead process's call.
    @Test func aCallRecordedAfterTheCopyForgotItCountsAgain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try Self.open(directory.appendingPathComponent("state.sqlite").path, job: "a.csv")
        let start = 1_800_000_000.0
        func reserve(at seconds: Double) throws -> QuotaGate.Slot {
            let date = Date(timeIntervalSince1970: seconds)
            guard
                case .granted(let attemptId, let ledgerId) = try process.store.reserveSlot(
                    for: .lookup(rowId: nil), jobId: process.jobId, tenant: Self.tenant, api: .stopAndQuarantine, now: date,
                    requestTimeout: 30, policy: Self.policy, decide: { _, _ in .go })
            else { throw Rollback() }
            return QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: date)
        }
        func counted(at seconds: Double) throws -> [Int] {
            try process.store.writer.write { db in
                try process.store.ledgerMirror.fills(
                    db, tenant: Self.tenant, api: .stopAndQuarantine, policy: Self.policy,
                    now: Date(timeIntervalSince1970: seconds))
            }.map(\.counted)
        }
        let slow = try reserve(at: start)
        // Two windows later the copy forgets it (past its deadline, never completed) ...
        _ = try reserve(at: start + 1300)
        #expect(try counted(at: start + 1300) == [1, 1])
        // ... and then its answer is recorded: it counts from now on.
        try process.store.record(
            slot: slow, rowId: nil, now: Date(timeIntervalSince1970: start + 1301), call: CallRecord(outcome: .found),
            change: .unchanged)
        #expect(try counted(at: start + 1302) == [2, 2])
    }

    @Test(arguments: 0..<6 as Range<UInt64>)
    func twoProcessesOnOneFileStayUnderBothWindows(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        var processes = [try Self.open(path, job: "a.csv"), try Self.open(path, job: "b.csv")]
        // Calls in flight: (process, slot, completes at).
        var inFlight: [(Int, QuotaGate.Slot, Double)] = []
        var now = 1_800_000_000.0
        let perProcess = 55
        var steps = 0
        while processes.contains(where: { $0.sent < perProcess }) {
            steps += 1
            try #require(steps < 20_000, "seed \(seed): the simulation did not finish")
            // The next event: a completion, or a process waking up.
            let wakes = processes.filter { $0.sent < perProcess }.map(\.wakeAt)
            now = max(now, min(inFlight.map(\.2).min() ?? .infinity, wakes.min() ?? .infinity))
            for (index, slot, at) in inFlight where at <= now {
                try processes[index].store.record(
                    slot: slot, rowId: nil, now: Date(timeIntervalSince1970: at), call: CallRecord(outcome: .found),
                    change: .unchanged)
            }
            inFlight.removeAll { $0.2 <= now }
            for index in processes.indices where processes[index].sent < perProcess && processes[index].wakeAt <= now {
                var process = processes[index]
                if Double.random(in: 0..<1, using: &random) < 0.05 {
                    // A transaction that wrote to the ledger and rolled back (a disk error, a crash).
                    _ = try? process.store.writer.write { db in
                        try db.execute(
                            sql: "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES (?, ?, ?, NULL, ?)",
                            arguments: [Self.tenant, QuotaAPI.stopAndQuarantine.rawValue, now, now + 30])
                        throw Rollback()
                    }
                }
                let date = Date(timeIntervalSince1970: now)
                let reservation = try process.store.reserveSlot(
                    for: .lookup(rowId: nil), jobId: process.jobId, tenant: Self.tenant, api: .stopAndQuarantine, now: date,
                    requestTimeout: 30, policy: Self.policy
                ) { fills, pausedUntil in QuotaGate.decide(fills: fills, pausedUntil: pausedUntil, now: date) }
                switch reservation {
                case .granted(let attemptId, let ledgerId):
                    process.sent += 1
                    let latency = Double.random(in: 0.05...3, using: &random)
                    inFlight.append(
                        (index, QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: date), now + latency))
                    process.wakeAt = now + Double.random(in: 0...0.5, using: &random)
                case .wait(let until):
                    process.wakeAt = until.timeIntervalSince1970
                case .waitForCompletion:
                    process.wakeAt = now + 0.5
                case .notSendable:
                    Issue.record("seed \(seed): a lookup slot is never refused")
                }
                processes[index] = process
            }
        }
        // Every call, from the file: at the instant each left, the calls that still counted
        // (itself included) fit every window.
        let calls = try processes[0].store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT sentAt, completedAt FROM ledgerEntry ORDER BY sentAt")
        }.map {
            LedgerCall(
                sentAt: Date(timeIntervalSince1970: $0["sentAt"]),
                completedAt: ($0["completedAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
        #expect(calls.count == 2 * perProcess, "seed \(seed)")
        for call in calls {
            for limit in Self.policy.limits {
                let counting = calls.filter { other in
                    other.sentAt <= call.sentAt
                        && (other.releaseTime(window: limit.window).map { $0 > call.sentAt } ?? true)
                }
                #expect(counting.count <= limit.limit, "seed \(seed): \(counting.count) calls in \(limit) at \(call.sentAt)")
            }
        }
        // Both processes really shared the windows: neither could have sent this fast alone.
        let first = calls.first!.sentAt
        let last = calls.last!.sentAt
        #expect(last.timeIntervalSince(first) >= 600, "seed \(seed): 110 calls under 40 per 10 minutes take over 10 minutes")
    }
}
