import Foundation
import GRDB
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// The fills a reservation reads from the ledger's copy agree with the arithmetic over every call.
struct WindowFillTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = QuotaPolicy(limits: [RateLimit(limit: 40, window: 60), RateLimit(limit: 150, window: 3600)])

    @Test(arguments: 0..<25 as Range<UInt64>)
    func ledgerFillsMatchTheArithmetic(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let store = try StateStore.inMemory()
        let now = Self.now.timeIntervalSince1970
        try store.writer.write { db in
            for _ in 0..<Int.random(in: 0...400, using: &random) {
                // Half of them recent, so the minute window fills too; a few "in the future".
                let recent = Bool.random(using: &random)
                let sent =
                    now - (recent ? Double.random(in: -5...120, using: &random) : Double.random(in: 0...4000, using: &random))
                let timeout = 30.0
                let completed: Double? =
                    Double.random(in: 0..<1, using: &random) < 0.85 ? sent + Double.random(in: 0...6, using: &random) : nil
                try db.execute(
                    sql: "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES ('t', ?, ?, ?, ?)",
                    arguments: [QuotaAPI.stopAndQuarantine.rawValue, sent, completed, sent + timeout])
            }
            // Another tenant's calls never count.
            try db.execute(
                sql: "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES ('other', ?, ?, NULL, ?)",
                arguments: [QuotaAPI.stopAndQuarantine.rawValue, now, now + 30])
        }
        let calls = try store.ledgerCalls(tenant: "t", api: .stopAndQuarantine, now: Self.now, lookback: 1e9)
        let expected = SlidingWindowLedger.fills(calls: calls, policy: Self.policy, now: Self.now)
        let actual = try store.writer.read { db in
            try store.ledgerMirror.fills(db, tenant: "t", api: .stopAndQuarantine, policy: Self.policy, now: Self.now)
        }
        for (a, e) in zip(actual, expected) {
            #expect(a.counted == e.counted, "seed \(seed), window \(a.limit)")
            #expect(a.inFlight == e.inFlight, "seed \(seed), window \(a.limit)")
            #expect(a.releases == Array(e.releases.prefix(a.mustLeave)), "seed \(seed), window \(a.limit)")
        }
        #expect(SlidingWindowLedger.decide(fills: actual) == SlidingWindowLedger.decide(fills: expected), "seed \(seed)")
    }

    /// The wait paths, by hand: a full minute waits for its oldest release; a window full of
    /// calls in flight waits for one to complete.
    @Test func fullWindowsWaitForTheRightInstant() throws {
        let store = try StateStore.inMemory()
        let now = Self.now.timeIntervalSince1970
        func insert(sent: Double, completed: Double?) throws {
            try store.writer.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES ('t', 'CancelMachineAction', ?, ?, ?)",
                    arguments: [sent, completed, sent + 30])
            }
        }
        func decide() throws -> QuotaDecision {
            let fills = try store.writer.read { db in
                try store.ledgerMirror.fills(db, tenant: "t", api: .cancel, policy: Self.policy, now: Self.now)
            }
            return SlidingWindowLedger.decide(fills: fills)
        }
        for i in 0..<38 { try insert(sent: now - 50 + Double(i), completed: now - 49 + Double(i)) }
        #expect(try decide() == .granted)
        try insert(sent: now - 1, completed: nil)
        try insert(sent: now - 1, completed: nil)
        // 38 completed + 2 in flight fill 40/1m: the oldest completed call leaves at (now - 49) + 60.
        #expect(try decide() == .wait(until: Date(timeIntervalSince1970: now - 49 + 60)))

        let inFlightOnly = try StateStore.inMemory()
        try inFlightOnly.writer.write { db in
            for _ in 0..<40 {
                try db.execute(
                    sql:
                        "INSERT INTO ledgerEntry (tenant, api, sentAt, completedAt, deadline) VALUES ('t', 'CancelMachineAction', ?, NULL, ?)",
                    arguments: [now - 1, now + 29])
            }
        }
        let fills = try inFlightOnly.writer.read { db in
            try inFlightOnly.ledgerMirror.fills(db, tenant: "t", api: .cancel, policy: Self.policy, now: Self.now)
        }
        #expect(SlidingWindowLedger.decide(fills: fills) == .waitForCompletion)
    }
}
