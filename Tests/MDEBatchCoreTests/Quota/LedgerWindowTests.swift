import Foundation
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// The in-memory copy of a ledger, changed call by call, fills its windows exactly as the
/// arithmetic over every call ever made does.
struct LedgerWindowTests {
    static let policy = QuotaPolicy(limits: [RateLimit(limit: 12, window: 60), RateLimit(limit: 50, window: 900)])
    static let start = 1_800_000_000.0

    /// The arithmetic's view of a call at `now`: a call past its deadline that never completed
    /// counts as completed at its deadline (as `StateStore.ledgerCalls` reads it).
    static func arithmeticFills(_ calls: [LedgerWindow.Call], now: Double) -> [WindowFill] {
        let ledger = calls.map { call in
            LedgerCall(
                sentAt: Date(timeIntervalSince1970: call.sentAt),
                completedAt: (call.completedAt ?? (now >= call.deadline ? call.deadline : nil)).map(
                    Date.init(timeIntervalSince1970:)))
        }
        return SlidingWindowLedger.fills(calls: ledger, policy: policy, now: Date(timeIntervalSince1970: now))
    }

    static func expectSame(_ actual: [WindowFill], _ expected: [WindowFill], _ context: String) {
        for (a, e) in zip(actual, expected) {
            #expect(a.counted == e.counted, "\(context), window \(a.limit)")
            #expect(a.inFlight == e.inFlight, "\(context), window \(a.limit)")
            #expect(a.releases == Array(e.releases.prefix(a.mustLeave)), "\(context), window \(a.limit)")
        }
        #expect(SlidingWindowLedger.decide(fills: actual) == SlidingWindowLedger.decide(fills: expected), "\(context)")
    }

    @Test(arguments: 0..<20 as Range<UInt64>)
    func incrementalChangesMatchTheArithmetic(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var now = Self.start
        var all: [LedgerWindow.Call] = []
        var window = LedgerWindow(calls: [], readAt: now, longest: 900)
        var nextId: Int64 = 1
        for step in 0..<600 {
            // Time moves on: mostly by seconds, sometimes by most of a window.
            now +=
                Double.random(in: 0..<1, using: &random) < 0.05
                ? Double.random(in: 0...700, using: &random)
                : Double.random(in: 0...4, using: &random)
            let roll = Double.random(in: 0..<1, using: &random)
            if roll < 0.5 {
                // A call leaves; a few were sent by a process whose clock runs ahead.
                let sent = roll < 0.02 ? now + Double.random(in: 1...300, using: &random) : now
                let call = LedgerWindow.Call(id: nextId, sentAt: sent, completedAt: nil, deadline: sent + 30)
                nextId += 1
                all.append(call)
                window.add(call)
            } else if roll < 0.9 {
                // One in flight completes (some never do: their process died).
                if let index = all.indices.filter({ all[$0].completedAt == nil && all[$0].deadline > now }).randomElement(
                    using: &random)
                {
                    let at = max(now, all[index].sentAt)
                    all[index].completedAt = at
                    window.complete(id: all[index].id, at: at)
                }
            } else {
                window.prune(now: now, longest: 900)
            }
            #expect(window.covers(now: now, longest: 900), "seed \(seed), step \(step)")
            Self.expectSame(
                window.fills(policy: Self.policy, now: Date(timeIntervalSince1970: now)), Self.arithmeticFills(all, now: now),
                "seed \(seed), step \(step)")
        }
        // Pruning kept what still counts and nothing else is needed: a fresh copy read from
        // every call agrees too.
        window.prune(now: now, longest: 900)
        let fresh = LedgerWindow(calls: all, readAt: now, longest: 900)
        #expect(
            window.fills(policy: Self.policy, now: Date(timeIntervalSince1970: now))
                == fresh.fills(policy: Self.policy, now: Date(timeIntervalSince1970: now)), "seed \(seed)")
    }

    /// A copy read at one instant cannot answer for an earlier one (a clock set back): calls it
    /// left out could count then.
    @Test func aCopyDoesNotCoverInstantsBeforeItWasRead() {
        let now = Self.start
        let window = LedgerWindow(calls: [], readAt: now, longest: 900)
        #expect(window.covers(now: now, longest: 900))
        #expect(window.covers(now: now + 10, longest: 900))
        #expect(!window.covers(now: now - 1, longest: 900))
        #expect(!window.covers(now: now + 10, longest: 3600))
    }

    /// Pruning forgets calls that no longer count, and then refuses instants they could count at.
    @Test func pruningMovesTheHorizon() {
        var window = LedgerWindow(calls: [], readAt: Self.start, longest: 60)
        window.add(LedgerWindow.Call(id: 1, sentAt: Self.start, completedAt: nil, deadline: Self.start + 30))
        window.complete(id: 1, at: Self.start + 1)
        window.prune(now: Self.start + 30, longest: 60)
        #expect(window.count == 1)
        window.prune(now: Self.start + 62, longest: 60)
        #expect(window.count == 0)
        #expect(window.covers(now: Self.start + 62, longest: 60))
        #expect(!window.covers(now: Self.start + 60, longest: 60))
    }
}
