import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct SlidingWindowLedgerTests {
    private let clock = ManualWallClock()
    private var start: Date { clock.now }
    private let minuteOnly = QuotaPolicy(limits: [RateLimit(limit: 3, window: 60)])

    private func completed(sent: TimeInterval, done: TimeInterval) -> LedgerCall {
        LedgerCall(sentAt: start.addingTimeInterval(sent), completedAt: start.addingTimeInterval(done))
    }

    @Test func grantsWhileAWindowHasRoom() {
        let calls = [completed(sent: 0, done: 0.2), completed(sent: 1, done: 1.2)]
        #expect(SlidingWindowLedger.decide(calls: calls, policy: minuteOnly, now: start.addingTimeInterval(2)) == .granted)
        #expect(SlidingWindowLedger.decide(calls: [], policy: .mdeDefault, now: start) == .granted)
    }

    @Test func fullWindowWaitsUntilTheOldestReleaseOneWindowAfterItsResponse() {
        // Given three calls completed at 0.5 s, 1.5 s and 2.5 s
        let calls = [completed(sent: 0, done: 0.5), completed(sent: 1, done: 1.5), completed(sent: 2, done: 2.5)]
        // When a fourth is asked for at 10 s
        let decision = SlidingWindowLedger.decide(calls: calls, policy: minuteOnly, now: start.addingTimeInterval(10))
        // Then it waits until 60 s after the first response, not after the first send
        #expect(decision == .wait(until: start.addingTimeInterval(60.5)))
        clock.advance(by: 60.5)
        #expect(SlidingWindowLedger.decide(calls: calls, policy: minuteOnly, now: clock.now) == .granted)
    }

    @Test func aCallCompletedLateFreesItsSlotLate() {
        // Given one call a minute, and a call sent at 0 s whose response took 20 s
        let one = QuotaPolicy(limits: [RateLimit(limit: 1, window: 60)])
        let slow = [completed(sent: 0, done: 20)]
        // Then at 61 s it still occupies the window (the server may have counted it at 20 s)
        #expect(
            SlidingWindowLedger.decide(calls: slow, policy: one, now: start.addingTimeInterval(61))
                == .wait(until: start.addingTimeInterval(80)))
        #expect(SlidingWindowLedger.decide(calls: slow, policy: one, now: start.addingTimeInterval(80)) == .granted)
        // And among fast calls it is the one still counted at 70 s
        let calls = slow + [completed(sent: 1, done: 1.1), completed(sent: 2, done: 2.1)]
        #expect(SlidingWindowLedger.occupancy(calls: calls, window: 60, now: start.addingTimeInterval(70)) == 1)
    }

    @Test func inFlightCallsBlockUntilTheyComplete() {
        let inFlight = (0..<3).map { LedgerCall(sentAt: start.addingTimeInterval(Double($0)), completedAt: nil) }
        let later = start.addingTimeInterval(3600)
        #expect(SlidingWindowLedger.decide(calls: inFlight, policy: minuteOnly, now: later) == .waitForCompletion)
        // One completed call among them frees a slot by itself: a wait with a time, not for completion.
        let mixed = Array(inFlight.prefix(2)) + [completed(sent: 2, done: 3)]
        #expect(
            SlidingWindowLedger.decide(calls: mixed, policy: minuteOnly, now: start.addingTimeInterval(10))
                == .wait(until: start.addingTimeInterval(63)))
    }

    @Test func callsFromTheFutureCountUntilTheyAreSentAndReleased() {
        // Another process's clock runs 30 s ahead: its calls carry sentAt in our future.
        let ahead = [completed(sent: 30, done: 30.5), completed(sent: 31, done: 31.5), completed(sent: 32, done: 32.5)]
        let decision = SlidingWindowLedger.decide(calls: ahead, policy: minuteOnly, now: start)
        #expect(decision == .wait(until: start.addingTimeInterval(90.5)))
        // A future call recorded with a completion before its send still counts until its sentAt.
        let skewed = [LedgerCall(sentAt: start.addingTimeInterval(100), completedAt: start)]
        let one = QuotaPolicy(limits: [RateLimit(limit: 1, window: 60)])
        #expect(
            SlidingWindowLedger.decide(calls: skewed, policy: one, now: start.addingTimeInterval(61))
                == .wait(until: start.addingTimeInterval(100)))
    }

    @Test func hourWindowBlocksAfterFifteenHundredEvenWhenTheMinuteIsFree() {
        // 1,500 calls: 100 a minute for 15 minutes, each answered in 500 ms.
        let calls = (0..<1500).map { index -> LedgerCall in
            let sent = Double(index / 100) * 60 + Double(index % 100) * 0.25
            return completed(sent: sent, done: sent + 0.5)
        }
        let now = start.addingTimeInterval(20 * 60)
        #expect(SlidingWindowLedger.occupancy(calls: calls, window: 60, now: now) == 0)
        #expect(
            SlidingWindowLedger.decide(calls: calls, policy: .mdeDefault, now: now)
                == .wait(until: start.addingTimeInterval(3600.5)))
    }

    @Test func bothWindowsFullWaitsForTheLaterRelease() {
        let policy = QuotaPolicy(limits: [RateLimit(limit: 2, window: 10), RateLimit(limit: 3, window: 100)])
        let calls = [completed(sent: 0, done: 1), completed(sent: 20, done: 21), completed(sent: 22, done: 23)]
        // Minute-like window (10 s) frees at 31 s; the long window (100 s) at 101 s.
        #expect(
            SlidingWindowLedger.decide(calls: calls, policy: policy, now: start.addingTimeInterval(24))
                == .wait(until: start.addingTimeInterval(101)))
    }
}
